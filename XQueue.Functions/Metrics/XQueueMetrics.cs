using System.Diagnostics.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>
/// The service's own instruments (Meter <c>XQueue</c>) and the one-line hooks the submission's path calls.
/// Every hook is arithmetic in memory: latencies come from the timestamps the submission already carries
/// (received, first pulled, pulled, graded), so measuring adds no storage call to submit, get_submission or put_result.
/// </summary>
public sealed class XQueueMetrics : IDisposable
{
    public const string MeterName = "XQueue";

    /// <summary>Outcomes of a delivery attempt (tag <c>outcome</c> of <c>xqueue.deliveries</c>).</summary>
    public const string Delivered = "delivered", FailedAttempt = "failed_attempt", GaveUp = "gave_up";

    // Seconds, from a fast pull to a grader that takes an hour; the SDK's default buckets are made for milliseconds.
    static readonly IReadOnlyList<double> Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    readonly Counter<long> received, pulled, accepted, failed, deliveries;
    readonly Histogram<double> waiting, grading, delivery, endToEnd;
    readonly TimeProvider time;
    readonly ServiceLatencies service;

    /// <summary>Latency phases, by their key in reports and the service's histograms.</summary>
    public const string Waiting = "waiting", Grading = "grading", Delivery = "delivery", EndToEnd = "endToEnd";

    public XQueueMetrics(IMeterFactory meters, OverviewSnapshot snapshot, ServiceLatencies service, TimeProvider time)
    {
        this.time = time;
        this.service = service;
        Meter = meters.Create(new MeterOptions(MeterName));
        // Listening starts before the first instrument exists, so /xqueue/metrics/ misses no measurement.
        Recent = new RecentMeasurements(Meter.Scope!, time);
        received = Meter.CreateCounter<long>("xqueue.submissions.received", "{submission}", "Submissions accepted from the LMS.");
        pulled = Meter.CreateCounter<long>("xqueue.submissions.pulled", "{submission}", "Submissions handed out to a grader (a repeated pull counts again).");
        accepted = Meter.CreateCounter<long>("xqueue.results.accepted", "{result}", "Grader results accepted by put_result (an amended result counts again).");
        failed = Meter.CreateCounter<long>("xqueue.submissions.failed", "{submission}",
            "Submissions failed after too many unanswered pulls (poison); the LMS gets the failure notice.");
        deliveries = Meter.CreateCounter<long>("xqueue.deliveries", "{attempt}",
            "Attempts to deliver a result to the LMS, by outcome: delivered, failed_attempt (retried later), gave_up.");
        waiting = Seconds("xqueue.submission.waiting.duration", "From receipt to the first hand-out to a grader.");
        grading = Seconds("xqueue.submission.grading.duration", "From the hand-out to the grader's result (the first result of a submission).");
        delivery = Seconds("xqueue.submission.delivery.duration", "From the grader's result to the LMS accepting it (first delivery of a graded result).");
        endToEnd = Seconds("xqueue.submission.end_to_end.duration", "From receipt to the LMS accepting the graded result (first delivery).");
        QueueGauges.Register(Meter, snapshot);
    }

    public Meter Meter { get; }

    /// <summary>This instance's counts and recent latencies, for /xqueue/metrics/.</summary>
    public RecentMeasurements Recent { get; }

    public void Received(Submission submission) => received.Add(1, Queue(submission));

    /// <param name="handedOut">The submission as bound to the grader (its pull already counted).</param>
    public void Pulled(Submission handedOut)
    {
        pulled.Add(1, Queue(handedOut));
        if (handedOut is { Pulls: 1, FirstPulledAt: { } first }) Phase(waiting, Waiting, handedOut, Between(handedOut.ReceivedAt, first));
    }

    /// <summary>A reply stored: a grader's result, or the failure notice.</summary>
    public void Recorded(Submission before, Submission stored)
    {
        if (stored.Status == SubmissionStatus.Failed)
        {
            failed.Add(1, Queue(stored));
            return;
        }
        accepted.Add(1, Queue(stored));
        if (before.GradedAt is null && stored is { PulledAt: { } pulledAt, GradedAt: { } gradedAt }) Phase(grading, Grading, stored, Between(pulledAt, gradedAt));
    }

    /// <param name="before">The submission as it was before this attempt was recorded.</param>
    public void DeliveryAttempted(Submission before, bool delivered, bool gaveUp)
    {
        deliveries.Add(1, Queue(before), new("outcome", delivered ? Delivered : gaveUp ? GaveUp : FailedAttempt));
        if (!delivered || before.DeliveredAt is not null || before is not { RetireReason: RetireReason.Graded, GradedAt: { } gradedAt }) return;
        var now = time.GetUtcNow();
        Phase(delivery, Delivery, before, Between(gradedAt, now));
        Phase(endToEnd, EndToEnd, before, Between(before.ReceivedAt, now));
    }

    // Exported as this instance's histogram, and added to the service's (every instance's, in storage).
    void Phase(Histogram<double> histogram, string phase, Submission submission, double seconds)
    {
        histogram.Record(seconds, Queue(submission));
        service.Record(submission.Queue, phase, seconds);
    }

    Histogram<double> Seconds(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    static KeyValuePair<string, object?> Queue(Submission submission) => new("queue", submission.Queue);

    static double Between(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);

    public void Dispose() => Recent.Dispose();
}
