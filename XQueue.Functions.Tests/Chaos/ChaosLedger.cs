using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Chaos;

/// <summary>One submit call by the LMS; <see cref="Tag"/> is unique per call and is its header's lms_key and its code.</summary>
public sealed record SubmitAttempt(int Learner, int Attempt, string Tag, string Header, bool Acknowledged, string Outcome, TimeSpan At, TimeSpan Took);

/// <summary>A submission a grader received: <see cref="RequestedAt"/>/<see cref="AnsweredAt"/> bracket the server's lease start.</summary>
public sealed record Handout(long Id, string Key, string Tag, int Grader, TimeSpan RequestedAt, TimeSpan AnsweredAt);

public enum PutOutcome { Accepted, WrongKey, OtherError, GaveUp }

public sealed record PutRecord(long Id, string Key, string Tag, int Grader, PutOutcome Outcome, string Detail, TimeSpan At);

/// <summary>What the LMS saw, checked against what was acknowledged.</summary>
public sealed record DeliveryCheck(
    IReadOnlyList<string> MissingAcknowledged, IReadOnlyList<string> ForeignHeaders, IReadOnlyList<string> WrongBodies,
    int Deliveries, int DistinctHeaders, int ExtraDeliveries, int UnacknowledgedDelivered);

/// <summary>
/// Everything the actors of a chaos test did, on one clock: submit calls and their acknowledgement,
/// hand-outs with the time window in which the server leased them, put_result outcomes, and notes
/// (kills, restarts). From it come the invariant checks and the one-line summary.
/// </summary>
public sealed class ChaosLedger(string scenario, TimeSpan processingDelay)
{
    /// <summary>Two hand-outs closer than the delay by more than this are a duplicate (timer and clock slack).</summary>
    static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    readonly Stopwatch clock = Stopwatch.StartNew();

    public string Scenario { get; } = scenario;
    public TimeSpan ProcessingDelay { get; } = processingDelay;
    public TimeSpan Now => clock.Elapsed;

    public ConcurrentQueue<SubmitAttempt> Submits { get; } = new();
    public ConcurrentQueue<Handout> Handouts { get; } = new();
    public ConcurrentQueue<PutRecord> Puts { get; } = new();
    public ConcurrentQueue<string> Notes { get; } = new();

    /// <summary>Client-side errors seen by graders (refused connections, 503s, timeouts).</summary>
    public int GraderErrors;

    public void Note(string text) => Notes.Enqueue($"{Now.TotalSeconds:F1}s {text}");

    public int Learners => Submits.Select(s => s.Learner).Distinct().Count();
    public IReadOnlyList<SubmitAttempt> Acknowledged => Submits.Where(s => s.Acknowledged).ToList();
    public int AcknowledgedCount => Submits.Count(s => s.Acknowledged);

    public static string Tag(int learner, int attempt) => $"L{learner:D4}-a{attempt}";

    /// <summary>The grader's reply for a submission: its message names the submission's tag.</summary>
    public static string Reply(string tag, int grader) => JsonSerializer.Serialize(new { correct = true, score = 1, msg = $"<p>{tag} graded by {grader}</p>" });

    /// <summary>
    /// Pairs of hand-outs of one submission where the second was certainly received while the first
    /// lease was still running: answered before the first request was even sent + the processing delay.
    /// </summary>
    public IReadOnlyList<(Handout First, Handout Second)> DuplicateHandouts()
    {
        var duplicates = new List<(Handout, Handout)>();
        foreach (var group in Handouts.GroupBy(h => h.Id))
        {
            var ordered = group.OrderBy(h => h.AnsweredAt).ToList();
            for (var i = 0; i < ordered.Count; i++)
            for (var j = i + 1; j < ordered.Count; j++)
            {
                if (ordered[j].AnsweredAt < ordered[i].RequestedAt + ProcessingDelay - Slack) duplicates.Add((ordered[i], ordered[j]));
            }
        }
        return duplicates;
    }

    /// <summary>Hand-outs beyond the first of each submission (after an expired lease: allowed).</summary>
    public int Rehandouts => Handouts.Count - Handouts.Select(h => h.Id).Distinct().Count();

    public DeliveryCheck CheckDeliveries(IReadOnlyList<LmsCallbackRecord> delivered)
    {
        var byHeader = Submits.GroupBy(s => s.Header).ToDictionary(g => g.Key, g => g.First());
        var received = delivered.GroupBy(d => d.Header).ToDictionary(g => g.Key, g => g.ToList());
        var missing = Acknowledged.Where(s => !received.ContainsKey(s.Header)).Select(s => s.Tag).ToList();
        var foreign = received.Keys.Where(h => !byHeader.ContainsKey(h)).ToList();
        var wrongBodies = new List<string>();
        foreach (var (header, records) in received)
        {
            if (!byHeader.TryGetValue(header, out var attempt)) continue;
            foreach (var record in records)
            {
                if (!ReplyNames(record.Body, attempt.Tag)) wrongBodies.Add($"{attempt.Tag}: {record.Body}");
            }
        }
        var unacknowledgedDelivered = received.Keys.Count(h => byHeader.TryGetValue(h, out var s) && !s.Acknowledged);
        return new DeliveryCheck(missing, foreign, wrongBodies, delivered.Count, received.Count, delivered.Count - received.Count, unacknowledgedDelivered);
    }

    /// <summary>One line per header the LMS got more than once: how often, and what the graders and the LMS client saw.</summary>
    public IEnumerable<string> DescribeExtraDeliveries(IReadOnlyList<LmsCallbackRecord> delivered)
    {
        foreach (var group in delivered.GroupBy(d => d.Header).Where(g => g.Count() > 1))
        {
            var attempt = Submits.FirstOrDefault(s => s.Header == group.Key);
            var tag = attempt?.Tag ?? "?";
            var puts = Puts.Where(p => p.Tag == tag).ToList();
            yield return $"{tag} delivered {group.Count()}× ({(attempt?.Acknowledged == true ? "acknowledged" : "not acknowledged")}; " +
                         $"handed out {Handouts.Count(h => h.Tag == tag)}×, results accepted {puts.Count(p => p.Outcome == PutOutcome.Accepted)}×; " +
                         $"identical bodies: {group.Select(d => d.Body).Distinct().Count() == 1}; at {string.Join(", ", group.Select(d => d.At.ToString("HH:mm:ss.fff")))})";
        }
    }

    static bool ReplyNames(string body, string tag)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String &&
                   msg.GetString()!.StartsWith($"<p>{tag} graded by ", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The longest a grader waited from its pull's answer to its put_result's: what a lapsed lease is measured against.</summary>
    TimeSpan SlowestResult()
    {
        var pulledAt = Handouts.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.Min(h => h.AnsweredAt));
        return Puts.Where(p => pulledAt.ContainsKey(p.Key)).Select(p => p.At - pulledAt[p.Key]).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    /// <summary>The one-line summary every chaos test writes.</summary>
    public string Summary(DeliveryCheck check, string? extra = null) =>
        $"[{Scenario}] submissions {Learners} (submit calls {Submits.Count}), acknowledged {AcknowledgedCount}, " +
        $"delivered {AcknowledgedCount - check.MissingAcknowledged.Count}/{AcknowledgedCount} (+{check.UnacknowledgedDelivered} unacknowledged), " +
        $"duplicates handed out {DuplicateHandouts().Count} (re-handouts after lease expiry {Rehandouts}, " +
        $"late results rejected {Puts.Count(p => p.Outcome == PutOutcome.WrongKey)}, slowest result answered {SlowestResult().TotalSeconds:F1} s after its pull), " +
        $"extra deliveries {check.ExtraDeliveries}" +
        (extra is null ? "" : $", {extra}") + $", {Now.TotalSeconds:F1} s";

    /// <summary>The invariants every scenario shares: nothing acknowledged lost, nothing foreign, no duplicate hand-out.</summary>
    public void AssertInvariants(DeliveryCheck check)
    {
        var notes = string.Join("; ", Notes);
        Assert.True(check.MissingAcknowledged.Count == 0,
            $"{check.MissingAcknowledged.Count} acknowledged submissions never reached the LMS: {string.Join(", ", check.MissingAcknowledged.Take(20))} ({notes})");
        Assert.True(check.ForeignHeaders.Count == 0, $"the LMS got headers it never sent: {string.Join(" | ", check.ForeignHeaders.Take(5))}");
        Assert.True(check.WrongBodies.Count == 0, $"results delivered under the wrong header: {string.Join(" | ", check.WrongBodies.Take(5))}");
        var duplicates = DuplicateHandouts();
        Assert.True(duplicates.Count == 0,
            $"{duplicates.Count} submissions handed out twice within the processing delay {ProcessingDelay}: " +
            string.Join("; ", duplicates.Take(5).Select(d =>
                $"{d.First.Id} to grader {d.First.Grader} (asked {d.First.RequestedAt.TotalSeconds:F2}s) and grader {d.Second.Grader} (answered {d.Second.AnsweredAt.TotalSeconds:F2}s)")));
    }
}
