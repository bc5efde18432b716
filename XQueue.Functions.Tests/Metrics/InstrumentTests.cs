using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>The XQueue meter as any listener (an exporter) sees it: every instrument, its unit and its tags.</summary>
public sealed class InstrumentTests
{
    [Fact]
    public async Task A_listener_sees_every_instrument_with_its_queue_and_outcome_tags()
    {
        var clock = new ShiftedClock();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:MaxFailures"] = "0", ["XQueue:ProcessingDelay"] = "00:00:01", ["XQueue:Delivery:GiveUpAfter"] = "00:01:00",
        }, services => services.AddSingleton<TimeProvider>(clock));
        using var listener = new Recorded(rig.Service.Get<XQueueMetrics>().Meter);

        // Graded and delivered.
        Assert.Equal(0, (await rig.SubmitAsync(1, "graded", "print(1)")).Code);
        var graded = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(graded);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(graded.Header, Pull.Result(true, 1, "ok")))?.ReturnCode);
        Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        // Pulled twice without an answer: failed, and the LMS gets the failure notice.
        Assert.Equal(0, (await rig.SubmitAsync(2, "poison", "while True: pass")).Code);
        Assert.NotNull(await Pull.NextAsync(rig.Watcher));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await Pull.NextAsync(rig.Watcher));
        Assert.Equal(FailureNotice.Body, (await rig.Lms.WaitForAsync(2, TimeSpan.FromSeconds(10)))[1].Body);
        // The LMS is down: failed attempts, then (an hour later by the clock) delivery is given up.
        rig.Lms.Status = 503;
        Assert.Equal(0, (await rig.SubmitAsync(3, "lms-down", "print(3)")).Code);
        var undelivered = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(undelivered);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(undelivered.Header, Pull.Result(false, 0, "no")))?.ReturnCode);
        await listener.WaitForAsync("xqueue.deliveries", XQueueMetrics.FailedAttempt);
        clock.Offset = TimeSpan.FromHours(1);
        await listener.WaitForAsync("xqueue.deliveries", XQueueMetrics.GaveUp);
        listener.Observe();

        var queue = KeyValuePair.Create("queue", (object?)TestService.Queue);
        foreach (var (name, unit) in new[]
        {
            ("xqueue.submissions.received", "{submission}"), ("xqueue.submissions.pulled", "{submission}"), ("xqueue.results.accepted", "{result}"),
            ("xqueue.submissions.failed", "{submission}"), ("xqueue.deliveries", "{attempt}"),
            ("xqueue.submission.waiting.duration", "s"), ("xqueue.submission.grading.duration", "s"),
            ("xqueue.submission.delivery.duration", "s"), ("xqueue.submission.end_to_end.duration", "s"),
            ("xqueue.queue.waiting", "{submission}"), ("xqueue.queue.in_flight", "{submission}"), ("xqueue.queue.backlog", "{submission}"),
            ("xqueue.queue.oldest_waiting.age", "s"), ("xqueue.queue.failed", "{submission}"),
        })
        {
            Assert.True(listener.Instruments.TryGetValue(name, out var instrument), $"{name} not published");
            Assert.Equal(unit, instrument!.Unit);
            Assert.False(string.IsNullOrEmpty(instrument.Description));
            var seen = listener.Tags(name);
            Assert.True(seen.Count > 0, $"{name} measured nothing");
            Assert.All(seen, tags => Assert.Contains(queue, tags));
        }
        Assert.Equal(["delivered", "failed_attempt", "gave_up"], listener.Tags("xqueue.deliveries").Select(t => (string)t.Single(p => p.Key == "outcome").Value!).Distinct().Order());
        Assert.Equal(3, listener.Sum("xqueue.submissions.received"));
        Assert.Equal(1, listener.Sum("xqueue.submissions.failed"));
        Assert.Equal(2, listener.Sum("xqueue.results.accepted"));
        Assert.Empty(listener.Tags("xqueue.delivery.awaiting").Single()); // all queues: no tags
        Assert.Equal(1, listener.Sum("xqueue.queue.failed"));
    }

    [Fact]
    public async Task The_gauges_show_n_waiting_one_in_flight_and_the_oldest_waiting_age()
    {
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:30" });
        using var listener = new Recorded(rig.Service.Get<XQueueMetrics>().Meter);
        await rig.SubmitAsync(1, "pulled", "x");
        var beforeOldest = DateTimeOffset.UtcNow;
        for (var user = 2; user <= 4; user++) await rig.SubmitAsync(user, $"p{user}", "x");
        Assert.NotNull(await Pull.NextAsync(rig.Watcher)); // the first in: in flight; the other three wait
        await Task.Delay(TimeSpan.FromSeconds(1));

        listener.Observe();
        var afterObserve = DateTimeOffset.UtcNow;
        Assert.Equal(3, listener.Sum("xqueue.queue.waiting"));
        Assert.Equal(1, listener.Sum("xqueue.queue.in_flight"));
        Assert.Equal(0, listener.Sum("xqueue.queue.backlog"));
        Assert.Equal(0, listener.Sum("xqueue.queue.failed"));
        var age = listener.Sum("xqueue.queue.oldest_waiting.age");
        Assert.InRange(age, 1.0, (afterObserve - beforeOldest).TotalSeconds + 0.01); // the second submission's age, not the first's

        // All gauges of one observation came from one read of storage, and the next one within the snapshot's age too.
        var snapshot = rig.Service.Get<Functions.WorkQueues.OverviewSnapshot>();
        var at = snapshot.Latest!.At;
        listener.Observe();
        Assert.Equal(at, snapshot.Latest!.At);
    }

    /// <summary>Records every measurement of one meter (the service's own, not another test's).</summary>
    sealed class Recorded : IDisposable
    {
        readonly MeterListener listener = new();
        readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> measurements = new();

        public Recorded(Meter meter)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (!ReferenceEquals(instrument.Meter, meter)) return;
                Instruments[instrument.Name] = instrument;
                l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
            listener.SetMeasurementEventCallback<int>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
            listener.SetMeasurementEventCallback<double>((i, v, t, _) => measurements.Enqueue((i.Name, v, t.ToArray())));
            listener.Start();
        }

        public ConcurrentDictionary<string, Instrument> Instruments { get; } = new();

        public void Observe() => listener.RecordObservableInstruments();

        public IReadOnlyList<KeyValuePair<string, object?>[]> Tags(string name) => measurements.Where(m => m.Name == name).Select(m => m.Tags).ToArray();

        public double Sum(string name) => measurements.Where(m => m.Name == name).Sum(m => m.Value);

        public async Task WaitForAsync(string name, string outcome)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!Tags(name).Any(t => t.Contains(KeyValuePair.Create("outcome", (object?)outcome))))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no {name} with outcome {outcome}");
                await Task.Delay(50);
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
