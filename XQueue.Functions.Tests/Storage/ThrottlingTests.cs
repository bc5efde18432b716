using System.Collections.Concurrent;
using Azure.Core.Pipeline;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Azure Storage throttles past its targets (503 ServerBusy) and expects clients to back off and retry. Each request
/// retries for as long as its caller can wait (StoragePatience): the LMS never sees a failed submit nor a grader a
/// failed put_result or login, while pulls may fail fast (the grader polls again).
/// </summary>
public sealed class ThrottlingTests(ITestOutputHelper output)
{
    const int Submissions = 300;
    const int Clients = 4;
    const string Empty = $"Queue '{TestService.Queue}' is empty";

    [Fact]
    public async Task A_wave_under_ten_percent_server_busy_fails_no_submit_put_result_or_login_and_delivers_each_result_once()
    {
        var wire = new ServerBusyWire();
        await using var rig = await GradingRig.StartAsync(overrides: services =>
            StoragePipeline.Settings(services).Transport = new HttpClientTransport(new HttpClient(wire)));
        wire.Share = 0.10;

        var failures = new ConcurrentQueue<string>();
        var pullErrors = 0;
        var handedOut = new ConcurrentBag<long>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var lms = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var lmsClient = new LmsClient(rig.Service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
            for (var i = client; i < Submissions; i += Clients)
            {
                var (code, message) = await lmsClient.SubmitAsync(rig.Header(i, "throttled"), LegacyText.Body($"print({i})"));
                if (code != 0) failures.Enqueue($"submit {i}: {message}");
            }
        })).ToList();
        var graders = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var watcher = new WatcherClient(rig.Service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
            for (var login = 0; login < 3; login++)
            {
                if (!await watcher.LoginAsync()) failures.Enqueue("login");
            }
            while (!stop.IsCancellationRequested && rig.Lms.Received.Count < Submissions)
            {
                var result = await watcher.GetSubmissionAsync(TestService.Queue);
                if (result is not { ReturnCode: 0 })
                {
                    if (result?.Text != Empty) Interlocked.Increment(ref pullErrors);
                    await Task.Delay(50);
                    continue;
                }
                var pull = Pull.From(result);
                handedOut.Add(pull.Id);
                var put = await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"<p>{pull.Id}</p>"));
                if (put is not { ReturnCode: 0 }) failures.Enqueue($"put_result {pull.Id}: {put?.Text ?? "no answer"}");
            }
        })).ToList();
        await Task.WhenAll(lms);
        var delivered = await rig.Lms.WaitForAsync(Submissions, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await Task.WhenAll(graders);

        output.WriteLine($"{wire.Throttled} of {wire.Requests} storage requests throttled; {pullErrors} pulls failed; " +
            $"{handedOut.Count} handed out, {delivered.Count} delivered");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(wire.Throttled > Submissions, $"only {wire.Throttled} requests were throttled");
        Assert.Equal(Submissions, delivered.Count);
        Assert.Equal(Submissions, delivered.Select(record => record.Header).Distinct().Count());
        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
    }
}
