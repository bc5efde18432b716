using System.Text;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;
using static XQueue.Functions.Dashboard.Layout;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// One submission: header fields, its timeline, the LMS's header and body, files, the grader's reply and
/// the actions allowed on it. Everything learner- or grader-supplied is HTML-encoded; files are offered as
/// downloads only (never rendered), with their names encoded.
/// </summary>
public static class SubmissionDetailPage
{
    public static async Task<IResult> Show(
        string id, HttpContext http, SubmissionStore store, HeldSubmissions held, AuditLog audit, IOptions<XQueueOptions> options)
    {
        if (!long.TryParse(id, out var submissionId) || !SubmissionId.IsValid(submissionId))
        {
            return Page(http, "Submission", $"<p class=\"message error\">'{E(id)}' is not a submission id.</p>", 400);
        }
        var actions = audit.ForSubmissionAsync(submissionId, 20, http.RequestAborted);
        if (await store.GetAsync(submissionId, http.RequestAborted) is not { } stored)
        {
            await actions;
            return Page(http, $"Submission {submissionId}", "<p class=\"message error\">No such submission (never made, or deleted after its retention).</p>", 404);
        }
        var s = await held.ShownAsync(stored, http.RequestAborted);
        var body = await ReadAsync(store, s.Body, http.RequestAborted);
        var reply = s.Reply is null ? null : await ReadAsync(store, s.Reply, http.RequestAborted);
        var facts = SubmissionFacts.Of(s.CallbackUrl, body);

        var html = new StringBuilder();
        html.Append(Actions(http, s, options.Value.Dashboard.SuperAdminNames.Contains(http.User.Identity?.Name ?? "")));
        html.Append("<dl class=\"fields\">")
            .Append($"<dt>Status</dt><dd>{StatusBadge.Html(s.Status)} {E(s.RetireReason?.ToString().ToLowerInvariant())}</dd>")
            .Append($"<dt>Queue</dt><dd>{E(s.Queue)}</dd><dt>Course</dt><dd>{E(facts.Course)}</dd><dt>Problem</dt><dd>{E(facts.Problem)}</dd>")
            .Append($"<dt>Learner (anonymous id)</dt><dd>{E(facts.Learner)}</dd><dt>Grader file</dt><dd>{E(facts.GraderFile)}</dd>")
            .Append($"<dt>Pulls</dt><dd>{s.Pulls} (failures: {SubmissionListing.Failures(s)})</dd><dt>Pull key</dt><dd>{E(s.PullKey)}</dd>")
            .Append($"<dt>Submitted by</dt><dd>{E(s.Submitter)}</dd><dt>Callback URL</dt><dd>{E(s.CallbackUrl)}</dd>")
            .Append($"<dt>Delivery</dt><dd>{E(s.Delivery.ToString().ToLowerInvariant())}, {s.DeliveryAttempts} attempts, last {E(s.LastDeliveryStatus?.ToString() ?? s.LastDeliveryError)}</dd>")
            .Append("</dl>");
        html.Append(Timeline(s));
        html.Append("<h2>Header</h2><pre id=\"header\">").Append(E(s.Header)).Append("</pre>");
        html.Append("<h2>Body</h2><pre id=\"body\">").Append(E(body)).Append("</pre>");
        html.Append("<h2>Files</h2>").Append(Files(s));
        html.Append("<h2>Grader reply</h2>").Append(reply is null ? "<p class=\"note\">No reply yet.</p>" : $"<pre id=\"reply\">{E(reply)}</pre>");
        html.Append(OverviewPage.AuditTable(await actions));
        return Page(http, $"Submission {s.Id}", html.ToString());
    }

    public static async Task<IResult> Download(string id, string index, HttpContext http, SubmissionStore store)
    {
        if (!long.TryParse(id, out var submissionId) || !int.TryParse(index, out var i) || i < 0) return Results.NotFound();
        if (await store.GetAsync(submissionId, http.RequestAborted) is not { } s || i >= s.Files.Count) return Results.NotFound();
        var (name, blobName) = Ordered(s)[i];
        if (await store.DownloadFileAsync(blobName, http.RequestAborted) is not { } blob) return Results.NotFound();
        // Always a download of opaque bytes: a learner's file must never run as a page of this origin.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "sandbox";
        return Results.File(blob.Content.ToArray(), "application/octet-stream", name);
    }

    static async Task<string> ReadAsync(SubmissionStore store, StoredText text, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadTextAsync(text, cancellationToken);
        }
        catch (SubmissionUnreadableException e)
        {
            return $"({e.Message})";
        }
    }

    static KeyValuePair<string, string>[] Ordered(Submission s) => s.Files.OrderBy(f => f.Key, StringComparer.Ordinal).ToArray();

    static string Files(Submission s)
    {
        if (s.Files.Count == 0) return "<p class=\"note\">No files.</p>";
        var files = Ordered(s);
        var html = new StringBuilder("<ul>");
        for (var i = 0; i < files.Length; i++) html.Append($"<li><a href=\"{Root}submissions/{s.Id}/files/{i}\" download>{E(files[i].Key)}</a></li>");
        return html.Append("</ul>").ToString();
    }

    static string Timeline(Submission s)
    {
        var events = new List<(DateTimeOffset At, string What)> { (s.ReceivedAt, "received from the LMS") };
        foreach (var e in s.History)
        {
            events.Add((e.At, e.Kind switch
            {
                SubmissionEvent.Pulled => $"pulled by {E(e.Actor ?? "?")} from {E(e.Detail ?? "?")}",
                SubmissionEvent.Delivery => $"delivery attempt: {E(e.Detail)}",
                _ => $"{E(e.Detail)} by {E(e.Actor)}",
            }));
        }
        if (s.GradedAt is { } graded) events.Add((graded, "result received from the grader"));
        if (s.Status == SubmissionStatus.Failed && s.FinishedAt is { } failedAt) events.Add((failedAt, "failed: pulled too often without a result; failure notice queued for the LMS"));
        if (s.RetireReason == RetireReason.Superseded && s.FinishedAt is { } superseded) events.Add((superseded, "retired: superseded by a newer submission"));
        if (s.DeliveredAt is { } delivered) events.Add((delivered, "delivered to the LMS"));
        var html = new StringBuilder("<h2>Timeline</h2><table id=\"timeline\"><thead><tr><th>Time</th><th>Event</th></tr></thead><tbody>");
        foreach (var (at, what) in events.OrderBy(e => e.At)) html.Append($"<tr><td>{Time(at)}</td><td>{what}</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    static string Actions(HttpContext http, Submission s, bool superAdmin)
    {
        string Button(string action, string label, string? confirm = null) =>
            $"<form method=\"post\" action=\"{Root}actions\"{(confirm is null ? "" : $" data-confirm=\"{E(confirm)}\"")}>{TokenField(http)}" +
            $"<input type=\"hidden\" name=\"id\" value=\"{s.Id}\"><button name=\"action\" value=\"{action}\"{(action == OperatorActions.Delete ? " class=\"danger\"" : "")}>{label}</button></form>";
        var html = new StringBuilder("<div class=\"actions\">");
        if (s.Status == SubmissionStatus.Failed) html.Append(Button(OperatorActions.Reset, "Reset to pending"));
        if (s.Status != SubmissionStatus.Retired) html.Append(Button(OperatorActions.Retire, "Retire"));
        if (s.Reply is not null) html.Append(Button(OperatorActions.Resend, "Re-send result to the LMS"));
        if (superAdmin) html.Append(Button(OperatorActions.Delete, "Delete", $"Delete submission {s.Id} and its files for good?"));
        return html.Append("</div>").ToString();
    }
}
