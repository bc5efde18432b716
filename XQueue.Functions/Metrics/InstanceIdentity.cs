namespace XQueue.Functions.Metrics;

/// <summary>
/// Which instance of the app this is, for /xqueue/metrics/ (whose counters are this instance's) and the exported
/// resource (<c>service.instance.id</c>): the App Service / Functions instance id when the platform sets one,
/// else the host name and process id.
/// </summary>
public sealed class InstanceIdentity(IConfiguration configuration)
{
    public string Id { get; } = configuration["WEBSITE_INSTANCE_ID"] is { Length: > 0 } platform
        ? platform[..Math.Min(16, platform.Length)]
        : $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Counters count from here.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
}
