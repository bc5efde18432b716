using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Push;

public sealed record PushPassReport(IReadOnlyDictionary<PushOutcome, int> Outcomes, TimeSpan Elapsed)
{
    public int Count(PushOutcome outcome) => Outcomes.TryGetValue(outcome, out var count) ? count : 0;

    public override string ToString() =>
        $"push dispatch: {Count(PushOutcome.Graded)} graded, {Count(PushOutcome.Retrying)} to retry, {Count(PushOutcome.Failed)} failed, " +
        $"{Count(PushOutcome.Superseded)} superseded in {Elapsed.TotalMilliseconds:F0} ms";
}

/// <summary>
/// The PushDispatch timer's work: every push queue is pushed with Concurrency workers until it is empty or
/// <see cref="Budget"/> has passed (pushes already started finish, within the push timeout). It shares the
/// queues' slots with the loops, so the two together never exceed Concurrency.
/// </summary>
public sealed class PushPass(PushDispatcher dispatcher, IOptions<XQueueOptions> options)
{
    /// <summary>No new push starts after this: well under the 10-second schedule, so passes rarely queue up.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public async Task<PushPassReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentDictionary<PushOutcome, int>();
        async Task WorkAsync(string queue)
        {
            for (var left = Budget - clock.Elapsed; left > TimeSpan.Zero; left = Budget - clock.Elapsed)
            {
                var outcome = await dispatcher.PushNextAsync(queue, left, cancellationToken);
                if (outcome is PushOutcome.Empty or PushOutcome.NoSlot) return;
                outcomes.AddOrUpdate(outcome, 1, (_, count) => count + 1);
            }
        }
        var concurrency = options.Value.Push.Concurrency;
        await Task.WhenAll(dispatcher.Queues.SelectMany(queue => Enumerable.Range(0, concurrency).Select(_ => WorkAsync(queue))));
        return new PushPassReport(outcomes, clock.Elapsed);
    }
}
