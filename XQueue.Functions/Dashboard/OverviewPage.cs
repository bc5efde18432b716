using System.Text;
using System.Text.Json.Nodes;
using XQueue.Functions.Submissions;
using static XQueue.Functions.Dashboard.Layout;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// Every queue at a glance, with totals, and the latest operator actions. The page refreshes its figures
/// in place from <c>api/overview</c> (dashboard.js); every figure comes from an index or a count the
/// service keeps anyway (<see cref="QueueOverview"/>), so the page costs the same at any history size. It reads
/// them from the <see cref="OverviewSnapshot"/> that /xqueue/metrics/ and the exported gauges read too.
/// </summary>
public static class OverviewPage
{
    const int RefreshSeconds = 5;
    const int AuditShown = 20;

    static readonly (string Field, string Heading)[] Columns =
    [
        ("waiting", "Waiting"), ("inFlight", "In flight"), ("failed", "Failed"), ("retiredLastHour", "Retired (1 h)"),
        ("gradedPerMinute", "Graded / min"), ("oldestWaiting", "Oldest waiting"),
    ];

    public static async Task<IResult> Show(HttpContext http, OverviewSnapshot overview, AuditLog audit)
    {
        var figuresTask = overview.ReadAsync(http.RequestAborted);
        var recentTask = audit.RecentAsync(AuditShown, http.RequestAborted);
        var json = ToJson(await figuresTask);
        var html = new StringBuilder();
        html.Append($"<table id=\"queues\" data-source=\"{Root}api/overview\" data-refresh=\"{RefreshSeconds}\"><thead><tr><th>Queue</th>");
        foreach (var (_, heading) in Columns) html.Append($"<th class=\"num\">{heading}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var queue in json["queues"]!.AsArray())
        {
            var name = queue!["queue"]!.GetValue<string>();
            html.Append($"<tr data-queue=\"{E(name)}\"><td><a href=\"{Root}submissions?queue={Uri.EscapeDataString(name)}\">{E(name)}</a></td>");
            foreach (var (field, _) in Columns) html.Append($"<td class=\"num\" data-field=\"{field}\">{E(queue[field]?.ToString())}</td>");
            html.Append("</tr>");
        }
        html.Append("<tr class=\"total\"><td>All queues</td>");
        foreach (var (field, _) in Columns) html.Append($"<td class=\"num\" data-field=\"{field}\">{E(json["totals"]![field]?.ToString())}</td>");
        html.Append("</tr></tbody></table>");
        html.Append($"<p class=\"note\">Results awaiting delivery to the LMS: <b id=\"awaiting\">{json["awaitingDelivery"]}</b> · ")
            .Append($"figures as of <span id=\"refreshed\">{E(json["at"]?.ToString())}</span>, refreshed every {RefreshSeconds} s. ")
            .Append("In flight = pulled by a grader within its processing delay; retired counts graded, superseded and operator-retired submissions.</p>");
        html.Append(AuditTable(await recentTask));
        return Page(http, "Queues", html.ToString());
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
                ["retiredLastHour"] = q.RetiredLastHour, ["gradedPerMinute"] = q.GradedPerMinute, ["oldestWaiting"] = Age(q.OldestWaitingAge),
            });
        }
        var oldest = figures.Queues.Select(q => q.OldestWaitingAge).Where(a => a is not null).DefaultIfEmpty(null).Max();
        var totals = new JsonObject
        {
            ["waiting"] = figures.Queues.Sum(q => q.Waiting), ["inFlight"] = figures.Queues.Sum(q => q.InFlight),
            ["failed"] = figures.Queues.Sum(q => q.Failed), ["retiredLastHour"] = figures.Queues.Sum(q => q.RetiredLastHour),
            ["gradedPerMinute"] = Math.Round(figures.Queues.Sum(q => q.GradedPerMinute), 1), ["oldestWaiting"] = Age(oldest),
        };
        return new JsonObject { ["queues"] = queues, ["totals"] = totals, ["awaitingDelivery"] = figures.AwaitingDelivery, ["at"] = Time(figures.At) };
    }

    public static string AuditTable(IReadOnlyList<AuditEntry> entries)
    {
        var html = new StringBuilder("<h2>Audit log</h2>");
        if (entries.Count == 0) return html.Append("<p class=\"note\">No operator actions yet.</p>").ToString();
        html.Append("<table class=\"audit\"><thead><tr><th>Time</th><th>Operator</th><th>Action</th><th>Submission</th><th>Outcome</th></tr></thead><tbody>");
        foreach (var entry in entries)
        {
            var link = entry.SubmissionId is { } id ? $"<a href=\"{Root}submissions/{id}\">{id}</a>" : "";
            html.Append($"<tr><td>{Time(entry.At)}</td><td>{E(entry.Actor)}</td><td>{E(entry.Action)}</td><td>{link}</td><td>{E(entry.Outcome)}</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
