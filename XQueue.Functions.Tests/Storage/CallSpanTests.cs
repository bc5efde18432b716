using System.Diagnostics;
using System.Net;
using Azure;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Metrics;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// What a request costs in storage round trips: the spans of its calls (<see cref="StorageCallSpans"/>), how many ran
/// one after another, the benchmark's added latency before every attempt, and the per-route histograms the app
/// shows at /xqueue/metrics/.
/// </summary>
public sealed class CallSpanTests
{
    static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(60);

    /// <summary>A timer may fire a little early (to the clock's resolution), so waits are checked with this much slack.</summary>
    static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(5);

    [Fact]
    public void Sequential_is_the_longest_chain_of_calls_that_do_not_overlap()
    {
        Assert.Equal(0, StorageCallSpans.Sequential([]));
        Assert.Equal(2, StorageCallSpans.Sequential([(0, 10), (0, 10), (10, 20)])); // two at once, then one as they end
        Assert.Equal(3, StorageCallSpans.Sequential([(0, 10), (20, 30), (40, 50)]));
        Assert.Equal(1, StorageCallSpans.Sequential([(0, 10), (5, 15), (9, 30)])); // each overlaps the next
        Assert.Equal(3, StorageCallSpans.Sequential([(0, 100), (10, 20), (20, 30), (30, 40)])); // a long call beside a chain of three
        Assert.Equal(2, StorageCallSpans.Sequential([(30, 40), (0, 20), (10, 35)])); // order of arrival does not matter
    }

    [Fact]
    public async Task Two_calls_at_once_then_one_are_three_calls_two_of_them_one_after_another()
    {
        // The added latency makes the two calls overlap for sure, and shows in the time the three take.
        var queue = (await AzuriteAccount.CreateAsync(WithAddedLatency(Latency))).GetQueue(AzuriteAccount.NewName("spans"));
        await queue.CreateIfNotExistsAsync();

        var clock = Stopwatch.StartNew();
        var spans = StorageCallSpans.Begin();
        await Task.WhenAll(queue.EnqueueAsync("one"), queue.EnqueueAsync("two"));
        await queue.PeekMessagesAsync(1);
        var (calls, sequential) = spans.End();
        var elapsed = clock.Elapsed;

        Assert.Equal((3, 2), (calls, sequential));
        Assert.True(elapsed >= 2 * (Latency - Slack), $"{elapsed}");
        Assert.Null(StorageCallSpans.Current);
        await queue.PeekMessagesAsync(1); // after the end: not added
        Assert.Equal((3, 2), spans.End());
    }

    [Fact]
    public async Task Calls_outside_a_unit_of_work_are_recorded_nowhere()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("spans"));
        await queue.CreateIfNotExistsAsync();
        var elsewhere = await Task.Run(() => StorageCallSpans.Begin()); // another flow's unit of work
        await queue.PeekMessagesAsync(1);
        Assert.Equal((0, 0), elsewhere.End());
    }

    [Fact]
    public async Task The_added_latency_is_waited_before_every_attempt_of_a_call()
    {
        var attempts = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var transport = new RecordingHandler(_ =>
        {
            lock (attempts) attempts.Add(clock.Elapsed);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        });
        var latency = TimeSpan.FromMilliseconds(250);
        var queue = AzuriteAccount.Services(new Dictionary<string, string?> { [StorageRegistration.Key] = "UseDevelopmentStorage=true" }, services =>
        {
            WithAddedLatency(latency)(services);
            StoragePipeline.Settings(services).Transport = transport.Transport();
        }).GetRequiredService<StorageAccount>().GetQueue("anything");

        clock.Restart();
        using (StoragePatience.Use(TimeSpan.FromSeconds(1))) await Assert.ThrowsAsync<RequestFailedException>(() => queue.PeekMessagesAsync(1));

        // Retried for a second: each attempt comes at least the latency after the one before (the backoff adds to it).
        Assert.True(attempts.Count >= 2, $"{attempts.Count} attempts");
        Assert.True(attempts[0] >= latency - Slack, $"{attempts[0]}");
        Assert.All(attempts.Zip(attempts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= latency - Slack, $"{pair.Second - pair.First}"));
    }

    [Theory]
    [InlineData("-00:00:00.001")]
    [InlineData("00:00:01.001")]
    public void An_added_latency_outside_0_to_1_second_stops_the_app_naming_the_key(string value)
    {
        var app = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=", $"--XQueue:Storage:AddedLatency={value}"]);
        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value);
        Assert.Contains("XQueue:Storage:AddedLatency", error.Message);
    }

    [Fact]
    public void By_default_nothing_is_added()
    {
        var app = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl="]);
        Assert.Equal(TimeSpan.Zero, app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value.Storage.AddedLatency);
    }

    [Fact]
    public async Task Each_route_shows_its_requests_storage_calls_and_those_one_after_another_at_the_metrics_endpoint()
    {
        await using var rig = await MetricsRig.StartAsync(new() { ["XQueue:Storage:AddedLatency"] = "00:00:00.060" });
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, (await rig.Grading.SubmitAsync(1, "spans", "print(1)")).Code);
        var submitting = clock.Elapsed;

        using var report = await MetricsRig.ReadAsync(rig);
        var submit = report.RootElement.GetProperty("thisInstance").GetProperty("storageCalls").GetProperty("/xqueue/submit/");
        var (calls, sequential) = (submit.GetProperty("calls"), submit.GetProperty("sequential"));
        Assert.True(calls.GetProperty("count").GetInt32() >= 1, submit.ToString());
        Assert.Equal(calls.GetProperty("count").GetInt32(), sequential.GetProperty("count").GetInt32());
        // The submit that stored the submission wrote at least the entity and the work message, the second after the first.
        var mostSequential = sequential.GetProperty("p99").GetDouble();
        Assert.InRange(mostSequential, 2, calls.GetProperty("p99").GetDouble());
        // Every call one after another waited the added latency at least once.
        Assert.True(submitting >= mostSequential * (Latency - Slack), $"submit took {submitting}, {mostSequential} calls one after another");
    }

    static Action<IServiceCollection> WithAddedLatency(TimeSpan latency) =>
        services => services.AddSingleton(Options.Create(new XQueueOptions { Storage = { AddedLatency = latency } }));
}
