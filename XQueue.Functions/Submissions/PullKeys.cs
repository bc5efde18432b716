using System.Security.Cryptography;
using System.Text;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Submissions;

/// <summary>
/// The key a grader gets with a submission: 32 hex characters, as the original's, here a MAC of the submission id
/// and the work message's pop receipt under the service's session key. A receipt changes every time the message is
/// handed out, so a key dies by itself when its lease runs out and the submission goes to the next grader, and the
/// queue update or delete that put_result makes with that receipt is the check that the grader still holds it.
/// Nothing is written to bind a key: any instance can check one.
/// </summary>
public sealed class PullKeys(SessionKeys keys)
{
    static readonly byte[] Purpose = "xqueue pull key v1"u8.ToArray();

    public string For(long id, string messageId, string popReceipt) => Compute(keys.Current, id, messageId, popReceipt);

    /// <summary>Checked under every key still accepted, so a key rotation does not cut the leases running through it.</summary>
    public bool Matches(string given, long id, string messageId, string popReceipt)
    {
        var candidate = Encoding.UTF8.GetBytes(given);
        return keys.Accepted.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compute(key, id, messageId, popReceipt)), candidate));
    }

    static string Compute(byte[] sessionKey, long id, string messageId, string popReceipt)
    {
        var purposeKey = HMACSHA256.HashData(sessionKey, Purpose);
        var mac = HMACSHA256.HashData(purposeKey, Encoding.UTF8.GetBytes($"{id}\n{messageId}\n{popReceipt}"));
        return Convert.ToHexStringLower(mac)[..32];
    }
}
