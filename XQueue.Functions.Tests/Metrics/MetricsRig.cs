using System.Net;
using System.Text.Json;
using XQueue.Functions.Tests.Auth;
using XQueue.Functions.Tests.Dashboard;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>The dashboard rig (an LMS, a watcher, admin <c>ops</c>) with tokens accepted, and /xqueue/metrics/ read as an admin.</summary>
public static class MetricsRig
{
    public const string Path = "/xqueue/metrics/";

    public static Task<DashboardRig> StartAsync(Dictionary<string, string?>? settings = null) =>
        DashboardRig.StartAsync(TestTokens.Settings(settings));

    /// <summary>The report as an admin token reads it.</summary>
    public static async Task<JsonDocument> ReadAsync(DashboardRig rig)
    {
        using var admin = RawClient.WithToken(rig.Grading.Service, TestTokens.Hs("ops-robot", "xqueue:admin"));
        var (status, body) = await admin.GetAsync(Path);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The answering instance's own counters for the test queue (labelled as its own in the report).</summary>
    public static JsonElement Counters(JsonDocument report) =>
        report.RootElement.GetProperty("thisInstance").GetProperty("counters").GetProperty(TestService.Queue);

    public static JsonElement Queue(JsonDocument report) =>
        report.RootElement.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == TestService.Queue);
}
