namespace XQueue.Bench.Rig;

/// <summary>A few whole cycles before anything is timed: JIT, connection pools, the first storage round trips.</summary>
public static class WarmUp
{
    public static async Task RunAsync(BenchRig rig, string queue, int count = 60)
    {
        var delivered = rig.Lms.Received.Count;
        await rig.PrefillAsync(queue, count, clients: 4);
        var graded = await GradedRun.RunAsync(rig, queue, 2, count, TimeSpan.FromSeconds(30));
        await rig.WaitForCallbacksAsync(delivered + graded.Cycles, TimeSpan.FromSeconds(30));
    }
}
