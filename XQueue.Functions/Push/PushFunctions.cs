using Microsoft.Azure.Functions.Worker;

namespace XQueue.Functions.Push;

/// <summary>
/// The PushDispatch timer: push queues are served every 10 seconds even when no instance is alive to run the
/// push loops (the original pushed once per 10 s per queue). A deployment without push queues disables it with
/// the app setting AzureWebJobs.PushDispatch.Disabled=true.
/// </summary>
public sealed class PushFunctions(PushPass pass, ILogger<PushFunctions> log)
{
    public const string Schedule = "*/10 * * * * *";

    [Function("PushDispatch")]
    public async Task PushDispatch([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await pass.RunAsync(cancellationToken);
        if (report.Outcomes.Count > 0) log.LogInformation("{PushPassReport}", report.ToString());
    }
}
