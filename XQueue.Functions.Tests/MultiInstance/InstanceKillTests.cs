using Xunit.Abstractions;
using XQueue.Functions.Tests.Chaos;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// One of three instances killed with SIGKILL in the middle of a wave, as the platform may stop any instance at any
/// moment, while the LMS is slow enough that the instance dies with deliveries under way. The others carry on; what
/// the dead one acknowledged is not lost, nothing is handed to two graders, and the results it had accepted reach
/// the LMS within a bound even though no grader asks for anything on that queue any more.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class InstanceKillTests(ITestOutputHelper output)
{
    const int Learners = 200, LmsClients = 2, Graders = 4;
    static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);
    static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(3);
    static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    // A result accepted and not yet delivered is hidden this long (DeliveryOutbox.AttemptLease: 2 × timeout + 10 s)
    // before another instance may take it over; the service's own bound is this lease plus a sweep or two.
    static readonly TimeSpan ResultLease = DeliveryTimeout * 2 + TimeSpan.FromSeconds(10);
    static readonly TimeSpan DeliveredWithin = ResultLease + SweepInterval * 2 + TimeSpan.FromSeconds(10);
    // A bound for failures only, on the deliveries of results the survivors accepted last.
    static readonly TimeSpan LastDeliveries = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Kill_9_of_one_instance_mid_wave_loses_nothing_and_its_accepted_results_reach_the_lms_without_more_grader_traffic()
    {
        var deadline = TimeSpan.FromSeconds(90); // for the wave (a bound for failures only); the delivery bound is counted from the kill
        await using var rig = await MultiInstanceRig.StartAsync(new Dictionary<string, string>
        {
            ["XQueue:ProcessingDelay"] = Delay.ToString(),
            ["XQueue:Delivery:Timeout"] = DeliveryTimeout.ToString(),
            ["XQueue:Sweep:Interval"] = SweepInterval.ToString(),
        });
        rig.Lms.AnswerDelay = TimeSpan.FromMilliseconds(500);
        var ledger = new ChaosLedger("kill -9 of one of 3 instances", Delay);
        int victim;
        TimeSpan killedAt, gradersStoppedAt;
        DateTimeOffset killedAtUtc;
        HashSet<string> undeliveredAtKill;

        await using (var wave = new ChaosWave(ledger, rig.Lms))
        {
            wave.StartLearners(Learners, LmsClients, _ => rig.Front.BaseAddress, "kill", deadline);
            wave.StartGraders(Graders, _ => rig.Front.BaseAddress, ChaosWave.BriefGrading);

            Assert.True(await Eventually.HoldsAsync(() => ledger.Puts.Count(p => p.Outcome == PutOutcome.Accepted) >= Learners / 2, deadline - ledger.Now),
                "the wave ended before the kill");
            // The instance that accepted the latest result: its delivery is under way (the LMS takes 500 ms to answer).
            victim = rig.Front.RoutesTo("/xqueue/put_result/").Last(r => r.Status == 200).Instance;
            rig.Instances.KillHard(victim);
            (killedAt, killedAtUtc) = (ledger.Now, DateTimeOffset.UtcNow);
            var received = rig.Lms.Received.Select(r => r.Header).ToHashSet();
            var acceptedTags = ledger.Puts.Where(p => p.Outcome == PutOutcome.Accepted).Select(p => p.Tag).ToHashSet();
            undeliveredAtKill = ledger.Submits.Where(s => acceptedTags.Contains(s.Tag) && !received.Contains(s.Header)).Select(s => s.Header).ToHashSet();
            ledger.Note($"instance #{victim} killed; results accepted {acceptedTags.Count}, not yet delivered {undeliveredAtKill.Count}");

            // Graders stop once every acknowledged submission has had its answer taken (or refused because a dying
            // instance took it first): from then on nobody pulls, so nothing a pull does can deliver a result.
            await wave.LearnersFinishedAsync(deadline);
            bool Answered(string tag) => ledger.Puts.Any(p => p.Tag == tag && p.Outcome is PutOutcome.Accepted or PutOutcome.WrongKey);
            Assert.True(await Eventually.HoldsAsync(() => ledger.Acknowledged.All(s => Answered(s.Tag)), deadline - ledger.Now),
                $"not every acknowledged submission was answered within {deadline}: {Describe(ledger, rig)}");
            await wave.StopAsync();
            gradersStoppedAt = ledger.Now;
            ledger.Note($"graders stopped; {(gradersStoppedAt < killedAt + ResultLease ? "before" : "after")} the killed instance's results could come up again");
        }

        // The dead instance's results are held to the bound from the kill (asserted below); the survivors' last results,
        // accepted as the graders stopped, may still be in delivery then (on a loaded machine the wave ends well after it).
        var acknowledged = ledger.Acknowledged.Select(s => s.Header).ToHashSet();
        var waitUntil = killedAt + DeliveredWithin > gradersStoppedAt + LastDeliveries ? killedAt + DeliveredWithin : gradersStoppedAt + LastDeliveries;
        var allDelivered = await Eventually.HoldsAsync(() => acknowledged.IsSubsetOf(rig.Lms.Received.Select(r => r.Header)), waitUntil - ledger.Now);
        if (allDelivered) await Task.Delay(TimeSpan.FromSeconds(1.5)); // a second delivery of anything would show by now

        var delivered = rig.Lms.Received.ToArray();
        var check = ledger.CheckDeliveries(delivered);
        var firstArrival = delivered.GroupBy(d => d.Header).ToDictionary(g => g.Key, g => g.Min(d => d.At));
        var late = undeliveredAtKill.Count(h => firstArrival.TryGetValue(h, out var at) && at > killedAtUtc + TimeSpan.FromSeconds(3));
        output.WriteLine(ledger.Summary(check, $"{undeliveredAtKill.Count} results undelivered at the kill ({late} of them delivered over 3 s later), " + rig.Describe()));
        foreach (var note in ledger.Notes) output.WriteLine("  " + note);
        foreach (var line in ledger.DescribeExtraDeliveries(delivered)) output.WriteLine("  extra: " + line);

        var missing = check.MissingAcknowledged;
        var killedLate = undeliveredAtKill.Where(h => !firstArrival.TryGetValue(h, out var at) || at > killedAtUtc + DeliveredWithin).ToList();
        Assert.True(killedLate.Count == 0,
            $"{killedLate.Count} of the {undeliveredAtKill.Count} results accepted and undelivered at the kill did not reach the LMS within {DeliveredWithin.TotalSeconds:F0} s of it");
        Assert.True(missing.Count == 0,
            $"{missing.Count} acknowledged submissions had not reached the LMS {(waitUntil - killedAt).TotalSeconds:F0} s after instance #{victim} was killed " +
            $"(graders stopped {(gradersStoppedAt - killedAt).TotalSeconds:F1} s after the kill; {undeliveredAtKill.Count} results were accepted and undelivered at the kill, " +
            $"{undeliveredAtKill.Count(h => !firstArrival.ContainsKey(h))} of them still missing): {string.Join(", ", missing.Take(10))}");
        ledger.AssertInvariants(check);
        // At least once: only a delivery the LMS took just as its instance died may come again, its acknowledgement lost.
        var repeated = delivered.GroupBy(d => d.Header).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.All(h => (firstArrival[h] - killedAtUtc).Duration() < TimeSpan.FromSeconds(1)),
            $"results delivered twice that were not in delivery at the kill: {string.Join(" | ", ledger.DescribeExtraDeliveries(delivered))}");
        rig.AssertNoInternalErrors();
    }

    static string Describe(ChaosLedger ledger, MultiInstanceRig rig) =>
        $"{ledger.AcknowledgedCount} acknowledged, {ledger.Handouts.Count} handed out, {ledger.Puts.Count} results put; {rig.Describe()}";
}
