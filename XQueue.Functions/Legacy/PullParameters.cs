using System.Globalization;
using XQueue.Functions.Configuration;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Legacy;

/// <summary>The query of get_submission and get_submissions: <c>queue_name</c>, <c>n</c> (bulk only) and <c>wait</c> (long-poll).</summary>
public sealed record PullParameters(string Queue, int Count, TimeSpan Wait)
{
    /// <returns>The parameters, or the legacy error message naming the one that is wrong.</returns>
    public static (PullParameters? Parameters, string? Error) Read(IQueryCollection query, string endpoint, bool bulk)
    {
        var queue = LegacyForm.Last(query["queue_name"]);
        if (queue is null) return (null, $"'{endpoint}' must provide parameter 'queue_name'");

        var count = 1;
        var n = LegacyForm.Last(query["n"]);
        if (bulk && n is not null && (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > GraderPulls.MaxPerPull))
        {
            return (null, $"'{endpoint}' parameter 'n' must be a whole number from 1 to {GraderPulls.MaxPerPull}");
        }

        var wait = TimeSpan.Zero;
        var waitText = LegacyForm.Last(query["wait"]);
        if (waitText is not null)
        {
            if (!double.TryParse(waitText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds is < 0 or > LongPollOptions.MaxWaitSeconds)
            {
                return (null, $"'{endpoint}' parameter 'wait' must be a number of seconds from 0 to {LongPollOptions.MaxWaitSeconds}");
            }
            wait = TimeSpan.FromSeconds(seconds);
        }
        return (new PullParameters(queue, count, wait), null);
    }
}
