using System.Net;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Configuration;

/// <summary>Where a queue's results go: the legacy LMS callback, the score event, or both.</summary>
public enum ResultChannels
{
    Callback,
    Event,
    Both,
}

/// <summary>
/// The <c>XQueue:ScoreEvents</c> section (docs/grader-api.md, "Score events"), and the per-queue
/// <c>XQueue:Queues:&lt;name&gt;:Delivery</c> choice it serves.
/// </summary>
public sealed partial class ScoreEventsOptions
{
    /// <summary>Storage Queue the events are published to, under the storage prefix like every other name.</summary>
    public string Queue { get; set; } = "xqueue-score-events";

    /// <summary>The CloudEvents <c>source</c> attribute: a URI reference naming this service.</summary>
    public string Source { get; set; } = "/xqueue";

    /// <summary>An Event Grid topic endpoint; the events are also published there when set.</summary>
    public string? EventGridEndpoint { get; set; }

    /// <summary>The topic's access key; when empty, the app's Entra ID credential is used.</summary>
    public string? EventGridKey { get; set; }

    public Uri? EventGridUri => string.IsNullOrWhiteSpace(EventGridEndpoint) ? null : new Uri(EventGridEndpoint.Trim());

    /// <summary>How results of <paramref name="queue"/> reach the LMS (callback when the queue does not say).</summary>
    public static ResultChannels ChannelsOf(XQueueOptions options, string queue) =>
        options.Queues.TryGetValue(queue, out var settings) && TryParse(settings.Delivery, out var channels) ? channels : ResultChannels.Callback;

    public static bool TryParse(string? value, out ResultChannels channels)
    {
        channels = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "callback" => ResultChannels.Callback,
            "event" => ResultChannels.Event,
            "both" => ResultChannels.Both,
            _ => (ResultChannels)(-1),
        };
        return Enum.IsDefined(channels);
    }

    public void Validate(XQueueOptions options, List<string> errors)
    {
        foreach (var (queue, settings) in options.Queues)
        {
            if (!TryParse(settings.Delivery, out _))
            {
                errors.Add($"XQueue:Queues:{queue}:Delivery must be callback, event or both (got '{settings.Delivery}').");
            }
        }

        if (!StorageQueueName().IsMatch(options.StoragePrefix + Queue) || (options.StoragePrefix + Queue).Contains("--", StringComparison.Ordinal))
        {
            errors.Add("XQueue:ScoreEvents:Queue must make, after XQueue:StoragePrefix, a valid Storage Queue name " +
                       $"(3-63 lowercase letters, digits and single hyphens; got '{Queue}').");
        }
        if (string.IsNullOrWhiteSpace(Source) || !Uri.TryCreate(Source, UriKind.RelativeOrAbsolute, out _))
        {
            errors.Add("XQueue:ScoreEvents:Source must be a non-empty URI reference, e.g. https://xqueue.example.com or /xqueue.");
        }
        if (!string.IsNullOrWhiteSpace(EventGridEndpoint))
        {
            // Keys and tokens go only over https; plain http only to this machine (a local emulator or test listener).
            var ok = Uri.TryCreate(EventGridEndpoint.Trim(), UriKind.Absolute, out var endpoint) &&
                     (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp && IsLoopback(endpoint));
            if (!ok) errors.Add("XQueue:ScoreEvents:EventGridEndpoint must be an absolute https URL (http only for a loopback address).");
        }
        if (XQueueOptionsValidator.IsUnresolvedReference(EventGridKey))
        {
            errors.Add("XQueue:ScoreEvents:EventGridKey is an unresolved Key Vault reference (set the secret, then refresh the app's references).");
        }
    }

    static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex StorageQueueName();
}
