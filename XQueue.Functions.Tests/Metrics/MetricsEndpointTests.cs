using System.Net;
using System.Text.Json;
using XQueue.Functions.Tests.Auth;
using XQueue.Functions.Tests.Dashboard;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.Dashboard;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>/xqueue/metrics/ through HTTP: what a grading flow leaves in it, and who may read it.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task A_graded_submission_shows_in_the_counters_and_in_every_phase_latency()
    {
        await using var rig = await MetricsRig.StartAsync(new() { ["XQueue:ProcessingDelay"] = "00:00:30", ["XQueue:MaxFailures"] = "3" });
        await rig.SubmitAsync(1, "graded", "print(1)");
        await Task.Delay(350); // waits in the queue at least 300 ms (a timer may fire a millisecond early)
        var pull = await Pull.NextAsync(rig.Grading.Watcher);
        await Task.Delay(450); // and is graded in at least 400 ms
        Assert.Equal(0, (await rig.Grading.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "ok")))!.ReturnCode);
        Assert.Single(await rig.Grading.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        await rig.SubmitAsync(2, "waiting", "print(2)");

        // The delivery is counted just after the LMS answered; give it a moment under load.
        using var report = await ReportWhenAsync(rig, r => MetricsRig.Counters(r).GetProperty("delivered").GetInt64() == 1
            && MetricsRig.Queue(r).GetProperty("latency").GetProperty("endToEnd").GetProperty("count").GetInt32() == 1);
        var queue = MetricsRig.Queue(report);
        var counters = MetricsRig.Counters(report);
        Assert.Equal(2, counters.GetProperty("received").GetInt64());
        Assert.Equal(1, counters.GetProperty("pulled").GetInt64());
        Assert.Equal(1, counters.GetProperty("resultsAccepted").GetInt64());
        Assert.Equal(0, counters.GetProperty("failed").GetInt64());
        Assert.Equal(1, counters.GetProperty("delivered").GetInt64());
        Assert.Equal(0, counters.GetProperty("deliveryFailedAttempts").GetInt64());
        Assert.Equal(1, queue.GetProperty("waiting").GetInt32());
        Assert.Equal(0, queue.GetProperty("inFlight").GetInt32());

        var latency = queue.GetProperty("latency");
        double P50(string phase)
        {
            Assert.Equal(1, latency.GetProperty(phase).GetProperty("count").GetInt32());
            var p = latency.GetProperty(phase);
            Assert.Equal(p.GetProperty("p50").GetDouble(), p.GetProperty("p99").GetDouble()); // one sample
            return p.GetProperty("p50").GetDouble();
        }
        // The service's histograms give each percentile within 2 % (the middle of a bucket 4 % wide), from 1 ms up.
        var (waiting, grading, delivery, endToEnd) = (P50("waiting"), P50("grading"), P50("delivery"), P50("endToEnd"));
        Assert.InRange(waiting, 0.3 * 0.98, 30);
        Assert.InRange(grading, 0.4 * 0.98, 30);
        Assert.InRange(delivery, 0, 10);
        // One pull: the phases follow each other without a gap, so together they are the whole way.
        var sum = waiting + grading + delivery;
        Assert.InRange(endToEnd, sum * 0.96 - 0.002, sum * 1.04 + 0.002);

        Assert.Equal(300, report.RootElement.GetProperty("latencyWindowSeconds").GetInt32());
        Assert.False(string.IsNullOrEmpty(report.RootElement.GetProperty("thisInstance").GetProperty("id").GetString()));
        var requests = report.RootElement.GetProperty("thisInstance").GetProperty("requests");
        Assert.True(requests.GetProperty("/xqueue/submit/").GetProperty("count").GetInt32() >= 1, requests.ToString());
        Assert.True(requests.GetProperty("/xqueue/put_result/").GetProperty("count").GetInt32() >= 1, requests.ToString());
    }

    [Fact]
    public async Task Only_admins_may_read_it_others_get_what_the_legacy_endpoints_answer()
    {
        await using var rig = await MetricsRig.StartAsync();
        var service = rig.Grading.Service;

        using var anonymous = RawClient.Anonymous(service);
        var (anonymousStatus, _) = await anonymous.GetAsync(MetricsRig.Path);
        var (legacyAnonymousStatus, _) = await anonymous.GetAsync($"/xqueue/get_queuelen/?queue_name={TestService.Queue}");
        Assert.Equal(HttpStatusCode.Found, anonymousStatus); // no session: the legacy redirect to the login page
        Assert.Equal(legacyAnonymousStatus, anonymousStatus);

        using var grader = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        Assert.Equal((HttpStatusCode.Forbidden, "{\"return_code\": 1, \"content\": \"Not allowed\"}"), await grader.GetAsync(MetricsRig.Path));

        using var scorer = RawClient.WithToken(service, TestTokens.Hs("robot", "xqueue:score xqueue:submit"));
        Assert.Equal((HttpStatusCode.Forbidden, "{\"return_code\": 1, \"content\": \"Not allowed\"}"), await scorer.GetAsync(MetricsRig.Path));
        using var forged = RawClient.WithToken(service, TestTokens.Unsigned("robot", "xqueue:admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(MetricsRig.Path)).Status);

        using var adminSession = await RawClient.LoginAsync(service, DashboardRig.Admin, DashboardRig.AdminPassword);
        var (status, body) = await adminSession.GetAsync(MetricsRig.Path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TestService.Queue, JsonDocument.Parse(body).RootElement.GetProperty("queues")[0].GetProperty("queue").GetString());
        using var byToken = await MetricsRig.ReadAsync(rig); // asserts 200
    }

    [Fact]
    public async Task The_dashboard_overview_and_the_metrics_show_the_same_snapshot()
    {
        await using var rig = await MetricsRig.StartAsync(new()
        {
            ["XQueue:ProcessingDelay"] = "00:00:30", ["XQueue:MaxFailures"] = "3", ["XQueue:Metrics:SnapshotMaxAge"] = "00:02:00",
        });
        for (var user = 1; user <= 3; user++) await rig.SubmitAsync(user, $"p{user}", "x");
        await Pull.NextAsync(rig.Grading.Watcher);
        using var admin = await rig.OperatorAsync();

        using var first = await MetricsRig.ReadAsync(rig);
        using var overview = JsonDocument.Parse(await admin.PageAsync("/xqueue/dashboard/api/overview"));
        await rig.SubmitAsync(4, "p4", "x"); // within the snapshot's age: not in the figures yet
        using var second = await MetricsRig.ReadAsync(rig);

        var at = first.RootElement.GetProperty("snapshotAt").GetDateTimeOffset();
        Assert.Equal(at, second.RootElement.GetProperty("snapshotAt").GetDateTimeOffset()); // one read, to the tick
        Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'"), overview.RootElement.GetProperty("at").GetString());
        var metrics = MetricsRig.Queue(second);
        var dashboard = overview.RootElement.GetProperty("queues")[0];
        Assert.Equal(2, metrics.GetProperty("waiting").GetInt32());
        Assert.Equal(dashboard.GetProperty("waiting").GetInt32(), metrics.GetProperty("waiting").GetInt32());
        Assert.Equal(1, metrics.GetProperty("inFlight").GetInt32());
        Assert.Equal(dashboard.GetProperty("inFlight").GetInt32(), metrics.GetProperty("inFlight").GetInt32());
        Assert.Equal(dashboard.GetProperty("failed").GetInt32(), metrics.GetProperty("failed").GetInt32());
        // The dashboard shows whole seconds of the same age; the report rounds it to milliseconds.
        var oldest = TimeSpan.FromSeconds(metrics.GetProperty("oldestWaitingSeconds").GetDouble());
        var millisecond = TimeSpan.FromMilliseconds(1);
        Assert.Contains(dashboard.GetProperty("oldestWaiting").GetString(),
            new[] { Functions.Dashboard.Layout.Age(oldest - millisecond), Functions.Dashboard.Layout.Age(oldest + millisecond) });
        Assert.Equal(overview.RootElement.GetProperty("awaitingDelivery").GetInt32(), second.RootElement.GetProperty("awaitingDelivery").GetInt32());
        Assert.Equal(4, MetricsRig.Counters(second).GetProperty("received").GetInt64()); // this instance's counters are live
    }

    /// <summary>The first report that meets the condition, or the last one read when none did within 15 s (the caller asserts on it).</summary>
    static async Task<JsonDocument> ReportWhenAsync(DashboardRig rig, Func<JsonDocument, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var report = await MetricsRig.ReadAsync(rig);
            if (condition(report) || DateTime.UtcNow > deadline) return report;
            report.Dispose();
            await Task.Delay(100);
        }
    }
}
