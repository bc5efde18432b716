using System.Security.Cryptography;
using System.Text;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Every queue, table and container name the submission rooms use, derived from the configured prefix.
/// Storage Queue names allow 3-63 lowercase letters, digits and single hyphens, so an XQueue name such as
/// <c>MITx-6.00x</c> becomes a readable slug plus a hash of the exact name (distinct names stay distinct).
/// </summary>
public sealed class StorageNames(string prefix)
{
    const int MaxQueueName = 63;

    public StorageNames(Microsoft.Extensions.Options.IOptions<XQueueOptions> options) : this(options.Value.StoragePrefix)
    {
    }

    public string SubmissionsTable => prefix + "submissions";
    public string CallbacksTable => prefix + "callbacks";
    public string HoldsTable => prefix + "holds";
    public string BacklogTable => prefix + "backlog";
    public string FailedTable => prefix + "failed";
    public string AuditTable => prefix + "audit";
    public string ResultCountsTable => prefix + "resultcounts";
    public string LatenciesTable => prefix + "latencies";
    public string QueueHistoryTable => prefix + "queuehistory";
    public string FilesContainer => prefix + "files";
    public string DeliveryQueue => prefix + "delivery";
    public string ScoreEventsQueue(string name) => prefix + name;

    public string WorkQueue(string xqueueName)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(xqueueName)))[..8];
        var head = prefix + "q-";
        var room = MaxQueueName - head.Length - hash.Length - 1;
        var slug = Slug(xqueueName);
        if (slug.Length > room) slug = slug[..room].TrimEnd('-');
        return slug.Length == 0 ? head + hash : $"{head}{slug}-{hash}";
    }

    static string Slug(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            var keep = c is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (keep) builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        return builder.ToString().Trim('-');
    }
}
