using System.Text.Json.Nodes;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// Every queue at a glance, with totals, and the latest operator actions. The page refreshes its figures
/// in place from <c>api/overview</c> (dashboard.js); every figure comes from an index or a count the
/// service keeps anyway (<see cref="QueueOverview"/>), so the page costs the same at any history size. It reads
/// them from the <see cref="OverviewSnapshot"/> that /xqueue/metrics/ and the exported gauges read too. Below the table,
/// each queue's last hours in small charts (<see cref="QueueHistory"/>), drawn on the server and current as of the page's load.
/// </summary>
public partial class OverviewPage
{
    const int RefreshSeconds = 5;
    const int AuditShown = 20;

    static readonly (string Field, string Heading)[] Columns =
    [
        ("waiting", "Waiting"), ("inFlight", "In flight"), ("failed", "Failed"), ("retiredLastHour", "Retired (1 h)"),
        ("gradedPerMinute", "Graded / min"), ("oldestWaiting", "Oldest waiting"),
    ];

    public static async Task<IResult> Show(HttpContext http, OverviewSnapshot overview, QueueHistory history, QueueCatalog catalog, AuditLog audit)
    {
        var figuresTask = overview.ReadAsync(http.RequestAborted);
        var recentTask = audit.RecentAsync(AuditShown, http.RequestAborted);
        var historyTask = history.ReadAsync(catalog.Names, http.RequestAborted);
        return new PageResult<OverviewPage>(new { Figures = ToJson(await figuresTask), Recent = await recentTask, History = await historyTask });
    }

    public static async Task<IResult> Json(HttpContext http, OverviewSnapshot overview)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(ToJson(await overview.ReadAsync(http.RequestAborted)).ToJsonString(), "application/json");
    }

    static JsonObject ToJson(OverviewFigures figures)
    {
        var queues = new JsonArray();
        foreach (var q in figures.Queues)
        {
            queues.Add(new JsonObject
            {
                ["queue"] = q.Queue, ["waiting"] = q.Waiting, ["inFlight"] = q.InFlight, ["failed"] = q.Failed,
                ["retiredLastHour"] = q.RetiredLastHour, ["gradedPerMinute"] = q.GradedPerMinute, ["oldestWaiting"] = Layout.Age(q.OldestWaitingAge),
            });
        }
        var oldest = figures.Queues.Select(q => q.OldestWaitingAge).Where(a => a is not null).DefaultIfEmpty(null).Max();
        var totals = new JsonObject
        {
            ["waiting"] = figures.Queues.Sum(q => q.Waiting), ["inFlight"] = figures.Queues.Sum(q => q.InFlight),
            ["failed"] = figures.Queues.Sum(q => q.Failed), ["retiredLastHour"] = figures.Queues.Sum(q => q.RetiredLastHour),
            ["gradedPerMinute"] = Math.Round(figures.Queues.Sum(q => q.GradedPerMinute), 1), ["oldestWaiting"] = Layout.Age(oldest),
        };
        return new JsonObject { ["queues"] = queues, ["totals"] = totals, ["awaitingDelivery"] = figures.AwaitingDelivery, ["at"] = Layout.Time(figures.At) };
    }
}
