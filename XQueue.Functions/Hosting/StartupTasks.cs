using Microsoft.Extensions.Options;
using XQueue.Functions.Auth;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Intake;
using XQueue.Functions.WorkQueues;
using XQueue.Functions.Metrics;

namespace XQueue.Functions.Hosting;

/// <summary>
/// Done once before the first request is served: options validated, every queue, table and container
/// created (idempotent, so instances may race), users seeded, the session key loaded.
/// </summary>
public static class StartupTasks
{
    public static async Task PrepareAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var services = app.Services;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupTasks));
        var options = services.GetRequiredService<IOptions<XQueueOptions>>().Value;
        await Task.WhenAll(
            services.GetRequiredService<SubmissionStore>().InitializeAsync(cancellationToken),
            services.GetRequiredService<QueueCatalog>().InitializeAsync(cancellationToken),
            services.GetRequiredService<CallbackIndex>().InitializeAsync(cancellationToken),
            services.GetRequiredService<Holds>().InitializeAsync(cancellationToken),
            services.GetRequiredService<Backlog>().InitializeAsync(cancellationToken),
            services.GetRequiredService<DeliveryOutbox>().InitializeAsync(cancellationToken),
            services.GetRequiredService<ScoreEventQueue>().InitializeAsync(cancellationToken),
            services.GetRequiredService<FailedIndex>().InitializeAsync(cancellationToken),
            services.GetRequiredService<AuditLog>().InitializeAsync(cancellationToken),
            services.GetRequiredService<ResultCounts>().InitializeAsync(cancellationToken),
            services.GetRequiredService<ServiceLatencies>().InitializeAsync(cancellationToken),
            services.GetRequiredService<QueueHistory>().InitializeAsync(cancellationToken),
            services.GetRequiredService<SessionKeys>().LoadAsync(cancellationToken),
            // Its own table; its password checks (PBKDF2, CPU) overlap the round trips above.
            services.GetRequiredService<UserStore>().SeedAsync(cancellationToken));

        if (services.GetRequiredService<CallbackAllowlist>().IsEmpty)
        {
            log.LogWarning("XQueue:CallbackHosts is empty: LMS callbacks may go to any public host. List the LMS's host names there.");
        }
        log.LogInformation("Queues: {Queues}; users seeded: {Users}; processing delay {Delay}",
            string.Join(", ", options.Queues.Keys), string.Join(", ", options.Users.Keys), options.ProcessingDelay);
    }
}
