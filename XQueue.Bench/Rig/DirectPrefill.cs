using XQueue.Functions.Intake;

namespace XQueue.Bench.Rig;

/// <summary>
/// Puts submissions into a queue through the service's own submit logic (<see cref="SubmissionIntake"/>, called
/// in this process), without the HTTP round trip, the session check and the form parsing around it. For phases
/// that need depth but do not measure submit: what get_submission finds is exactly what submit leaves.
/// </summary>
public static class DirectPrefill
{
    public static async Task StoreAsync(BenchRig rig, string queue, int count, int concurrency = 8)
    {
        var intake = rig.Service.Get<SubmissionIntake>();
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var submission = rig.NewSubmission(queue);
                await intake.AcceptAsync(new NewSubmission(
                    queue, submission.Header, rig.Lms.CallbackUrl(submission.Sequence, "bench"), submission.Body, [], "lms"));
            }
        }));
    }
}
