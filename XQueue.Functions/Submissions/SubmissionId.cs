using System.Security.Cryptography;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Submission ids: positive integers below 2^53 (graders echo them, some through JavaScript numbers),
/// unique without a central counter. The high bits are milliseconds since 2024, the low 12 bits random;
/// the table insert is the uniqueness check, so a rare collision is retried with a fresh id.
/// </summary>
public static class SubmissionId
{
    const int RandomBits = 12;
    public const long Max = (1L << 53) - 1;
    static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static long New(DateTimeOffset now) =>
        FloorAt(now) + RandomNumberGenerator.GetInt32(1 << RandomBits);

    /// <summary>The smallest id that can be issued at <paramref name="time"/>.</summary>
    public static long FloorAt(DateTimeOffset time) =>
        Math.Max(1, (long)(time - Epoch).TotalMilliseconds) << RandomBits;

    /// <summary>When the id was issued (to the millisecond): the age of a waiting submission without reading it.</summary>
    public static DateTimeOffset IssuedAt(long id) => Epoch.AddMilliseconds(id >> RandomBits);

    /// <summary>The inverse of <see cref="PartitionKey"/>; null for a key that is not one.</summary>
    public static long? FromPartitionKey(string key) =>
        long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var reversed) && IsValid(Max - reversed)
            ? Max - reversed
            : null;

    /// <summary>Newest first in key order, so listings and "older than" ranges are plain key ranges.</summary>
    public static string PartitionKey(long id) => (Max - id).ToString("D16");

    public static bool IsValid(long id) => id is > 0 and <= Max;
}
