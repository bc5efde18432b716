using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Chaos;

/// <summary>
/// A wave: learners submitting through several LMS clients while graders drain the queue, each actor
/// talking to the service address the test gives it (which may change, or differ between instances).
/// The test injects its fault while the wave runs, then waits for the wave to settle and checks the ledger.
/// </summary>
public sealed class ChaosWave(ChaosLedger ledger, FakeLms lms) : IAsyncDisposable
{
    readonly List<Task> learners = [];
    readonly List<Task> graders = [];
    readonly CancellationTokenSource stop = new();

    public ChaosLedger Ledger => ledger;

    /// <summary>Learners 0..count-1, learner l submitting through LMS client l % clients.</summary>
    public void StartLearners(int count, int clients, Func<int, Uri> serverOfClient, string block, TimeSpan deadline)
    {
        for (var client = 0; client < clients; client++)
        {
            var c = client;
            learners.Add(Task.Run(() => ChaosLearners.RunAsync(
                ledger, () => serverOfClient(c), lms, Enumerable.Range(0, count).Where(l => l % clients == c), block, deadline)));
        }
    }

    /// <param name="resultServerOfGrader">Where grader g sends its results, when not where it pulls from.</param>
    public void StartGraders(int count, Func<int, Uri> serverOfGrader, Func<Handout, Task>? grade = null, Func<int, Uri>? resultServerOfGrader = null)
    {
        for (var grader = 0; grader < count; grader++)
        {
            var g = grader;
            Func<Uri>? results = resultServerOfGrader is null ? null : () => resultServerOfGrader(g);
            graders.Add(Task.Run(() => ChaosGrader.RunAsync(ledger, g, () => serverOfGrader(g), stop.Token, grade, results)));
        }
    }

    /// <summary>Grading that takes a few milliseconds, as a real grader takes some time.</summary>
    public static Task BriefGrading(Handout _) => Task.Delay(Random.Shared.Next(5, 30));

    /// <summary>Waits for every learner to be acknowledged (or give up), then for every acknowledged header at the LMS.</summary>
    public async Task<bool> AcknowledgedDeliveredAsync(TimeSpan deadline)
    {
        await Task.WhenAll(learners).WaitAsync(Remaining(deadline));
        var acknowledged = ledger.Acknowledged.Select(s => s.Header).ToHashSet();
        return await Eventually.HoldsAsync(() => acknowledged.IsSubsetOf(lms.Received.Select(r => r.Header)), Remaining(deadline));
    }

    /// <summary>Waits for every learner to be acknowledged, or to give up.</summary>
    public Task LearnersFinishedAsync(TimeSpan deadline) => Task.WhenAll(learners).WaitAsync(Remaining(deadline));

    /// <summary>Keeps the graders polling until <paramref name="until"/> (on the ledger's clock): late re-hand-outs and extra deliveries show up meanwhile.</summary>
    public Task SettleUntilAsync(TimeSpan until) => Eventually.HoldsAsync(() => false, until - ledger.Now);

    TimeSpan Remaining(TimeSpan deadline) => deadline - ledger.Now > TimeSpan.Zero ? deadline - ledger.Now : TimeSpan.Zero;

    /// <summary>Stops the graders (each finishes its current put_result) and surfaces any actor failure.</summary>
    public async Task StopAsync()
    {
        stop.Cancel();
        await Task.WhenAll(graders.Concat(learners)).WaitAsync(ChaosGrader.PutRetryWindow + ChaosLearners.CallTimeout);
    }

    public DeliveryCheck Check() => ledger.CheckDeliveries(lms.Received.ToArray());

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        try
        {
            await Task.WhenAll(graders.Concat(learners)).WaitAsync(ChaosGrader.PutRetryWindow + ChaosLearners.CallTimeout);
        }
        catch (Exception)
        {
            // The test already failed, or StopAsync surfaced it.
        }
        stop.Dispose();
    }
}
