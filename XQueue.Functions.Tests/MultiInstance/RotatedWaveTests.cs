using Xunit.Abstractions;
using XQueue.Functions.Tests.Chaos;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// A wave through three published instances, every request of every client on the next instance: the LMS
/// submitting from two clients while four graders drain the queue, each grader's pull and its result usually
/// on different instances. Invariants 1 and 2 of the design, where instances share nothing but storage.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class RotatedWaveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Four_graders_through_three_instances_lose_nothing_deliver_nothing_twice_and_share_no_submission()
    {
        const int learners = 200, lmsClients = 2, graders = 4;
        // Well above a grader's time even on a machine loaded by the rest of the suite (5 s once lapsed there): no lease lapses.
        var delay = TimeSpan.FromSeconds(15);
        var deadline = TimeSpan.FromSeconds(90); // a bound for failures only: the test ends as soon as the wave has settled
        await using var rig = await MultiInstanceRig.StartAsync(new Dictionary<string, string> { ["XQueue:ProcessingDelay"] = delay.ToString() });
        var ledger = new ChaosLedger("3 instances, each request on the next", delay);

        await using (var wave = new ChaosWave(ledger, rig.Lms))
        {
            wave.StartLearners(learners, lmsClients, _ => rig.Front.BaseAddress, "wave", deadline);
            wave.StartGraders(graders, _ => rig.Front.BaseAddress, ChaosWave.BriefGrading);
            await wave.AcknowledgedDeliveredAsync(deadline);
            // Past another processing delay: a submission lost from a lease, or handed out again, would show by now.
            await wave.SettleUntilAsync(ledger.Now + delay + TimeSpan.FromSeconds(1));
            await wave.StopAsync();
        }

        var delivered = rig.Lms.Received.ToArray();
        var check = ledger.CheckDeliveries(delivered);
        output.WriteLine(ledger.Summary(check, rig.Describe()));
        foreach (var line in ledger.DescribeExtraDeliveries(delivered)) output.WriteLine("  extra: " + line);

        ledger.AssertInvariants(check); // nothing acknowledged lost, nothing foreign, no two graders within a delay
        Assert.Equal(learners, ledger.AcknowledgedCount); // no fault: every submit acknowledged at its first try
        Assert.Equal(0, check.ExtraDeliveries);
        Assert.Equal(learners, ledger.Handouts.Count); // each handed out once: no lease lapsed, none handed out again
        Assert.All(ledger.Puts, put => Assert.Equal(PutOutcome.Accepted, put.Outcome)); // every key taken by whichever instance got the result
        foreach (var path in new[] { "/xqueue/submit/", "/xqueue/get_submission/", "/xqueue/put_result/" })
        {
            Assert.Equal([0, 1, 2], rig.Front.RoutesTo(path).Select(r => r.Instance).Distinct().Order());
        }
        rig.AssertNoInternalErrors();
    }
}
