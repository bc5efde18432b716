using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// Stops chosen storage calls until the test lets them go, so a test can put two requests' calls in the order a race
/// would. Each stop catches one call: the first that matches once it is set, before it is sent or after its answer came.
/// </summary>
public sealed class StorageGate : HttpPipelinePolicy
{
    readonly List<Stop> stops = [];

    /// <summary>Stops the next matching call before it reaches storage.</summary>
    public Stop Before(Func<Request, bool> matches) => Add(new Stop(message => matches(message.Request), afterAnswer: false));

    /// <summary>Stops the next matching call after storage answered it (it has happened), before its caller sees the answer.</summary>
    public Stop After(Func<Request, Response, bool> matches) =>
        Add(new Stop(message => matches(message.Request, message.Response), afterAnswer: true));

    /// <summary>Puts this policy in the app's storage pipeline (see <see cref="StoragePipeline"/>).</summary>
    public void AddTo(IServiceCollection services) => services.AddStoragePolicy(this);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Catch(message, afterAnswer: false) is { } before) await before.HoldAsync();
        await ProcessNextAsync(message, pipeline);
        if (Catch(message, afterAnswer: true) is { } after) await after.HoldAsync();
    }

    Stop Add(Stop stop)
    {
        lock (stops) stops.Add(stop);
        return stop;
    }

    Stop? Catch(HttpMessage message, bool afterAnswer)
    {
        lock (stops)
        {
            var stop = stops.FirstOrDefault(s => s.AfterAnswer == afterAnswer && s.Matches(message));
            if (stop is not null) stops.Remove(stop);
            return stop;
        }
    }

    public sealed class Stop(Func<HttpMessage, bool> matches, bool afterAnswer)
    {
        readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal bool AfterAnswer => afterAnswer;

        internal bool Matches(HttpMessage message) => matches(message);

        /// <summary>Completes when a call was caught here (and is waiting for <see cref="Release"/>).</summary>
        public Task Reached => reached.Task;

        public void Release() => released.TrySetResult();

        internal Task HoldAsync()
        {
            reached.TrySetResult();
            return released.Task;
        }
    }
}
