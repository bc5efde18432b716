using System.Globalization;
using System.Text;
using XQueue.Functions.Submissions;
using static XQueue.Functions.Dashboard.Layout;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// Submissions, newest first, filtered and searched (<see cref="SubmissionListing"/>), with checkboxes for
/// the bulk actions. "Next page" carries the key the page ended at, so paging never re-reads earlier rows.
/// </summary>
public static class SubmissionListPage
{
    public const int PageSize = 50;

    public static async Task<IResult> Show(HttpContext http, SubmissionListing listing, QueueCatalog catalog)
    {
        var q = http.Request.Query;
        if (Parse(q, out var error) is not { } query) return Page(http, "Submissions", $"<p class=\"message error\">{E(error)}</p>", 400);
        var after = q["after"].ToString() is { Length: > 0 } cursor && SubmissionId.FromPartitionKey(cursor) is not null ? cursor : null;
        if (q["after"].Count > 0 && after is null) return Page(http, "Submissions", "<p class=\"message error\">The page cursor is not valid.</p>", 400);

        var page = await listing.ListAsync(query, PageSize, after, http.RequestAborted);
        var html = new StringBuilder(Filters(q, catalog));
        html.Append($"<form method=\"post\" action=\"{Root}actions\">{TokenField(http)}")
            .Append("<div class=\"actions\"><button name=\"action\" value=\"reset\">Reset failed to pending</button>")
            .Append("<button name=\"action\" value=\"retire\">Retire</button><button name=\"action\" value=\"resend\">Re-send result</button></div>")
            .Append("<table id=\"submissions\"><thead><tr><th><input type=\"checkbox\" id=\"select-all\" aria-label=\"select all\"></th>")
            .Append("<th>Id</th><th>Queue</th><th>Course</th><th>Learner</th><th>Problem</th><th>Status</th><th class=\"num\">Failures</th><th>Status time</th><th>Created</th></tr></thead><tbody>");
        foreach (var row in page.Rows)
        {
            html.Append($"<tr data-id=\"{row.Id}\"><td><input type=\"checkbox\" name=\"id\" value=\"{row.Id}\" aria-label=\"select {row.Id}\"></td>")
                .Append($"<td class=\"nowrap\"><a href=\"{Root}submissions/{row.Id}\">{row.Id}</a></td><td class=\"nowrap\">{E(row.Queue)}</td><td>{E(row.Facts.Course)}</td>")
                .Append($"<td>{E(row.Facts.Learner)}</td><td title=\"{E(row.Facts.Problem)}\">{E(Short(row.Facts.Problem))}</td><td>{StatusBadge.Html(row.Status)}</td>")
                .Append($"<td class=\"num\">{row.Failures}</td><td class=\"nowrap\">{Time(row.StatusAt)}</td><td class=\"nowrap\">{Time(row.ReceivedAt)}</td></tr>");
        }
        html.Append("</tbody></table></form>");
        if (page.Rows.Count == 0) html.Append("<p class=\"note\">No submission matches.</p>");
        var cost = page.OutOfTime ? $"The search stopped after {SubmissionListing.SearchBudget.TotalSeconds:F0} s; it goes on from here on the next page. " : "";
        html.Append($"<p class=\"note\">{cost}{page.Scanned} submissions read for this page.</p>");
        if (page.After is not null) html.Append($"<p><a id=\"next-page\" href=\"{E(NextLink(q, page.After))}\">Next page →</a></p>");
        return Page(http, "Submissions", html.ToString());
    }

    // A usage key is long (block-v1:MITx+6.00x+2026+type@problem+block@loops); the list shows its block
    // name, the whole key is in the cell's title and on the submission's page, and search matches all of it.
    static string? Short(string? problem) =>
        problem?.LastIndexOf("block@", StringComparison.Ordinal) is int at and >= 0 && at + 6 < problem.Length ? problem[(at + 6)..] : problem;

    static SubmissionQuery? Parse(IQueryCollection q, out string? error)
    {
        error = null;
        SubmissionStatus? status = null;
        if (q["status"].ToString() is { Length: > 0 } s)
        {
            if (!Enum.TryParse<SubmissionStatus>(s, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed)) { error = $"Unknown status '{s}'."; return null; }
            status = parsed;
        }
        int? failures = null;
        if (q["failures"].ToString() is { Length: > 0 } f)
        {
            if (!int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var min) || min > 1000) { error = "Failures must be a whole number from 0 to 1000."; return null; }
            failures = min;
        }
        if (!TryTime(q["from"], out var from) || !TryTime(q["to"], out var to)) { error = "Times must look like 2026-11-22T10:00 (UTC)."; return null; }
        var text = q["q"].ToString();
        if (text.Length > 400) { error = "The search text is limited to 400 characters."; return null; }
        var queue = q["queue"].ToString();
        return new SubmissionQuery(status, queue.Length > 0 ? queue : null, failures, from, to, text);
    }

    static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(value)) return true;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        time = parsed;
        return true;
    }

    static string Filters(IQueryCollection q, QueueCatalog catalog)
    {
        string Value(string key) => E(q[key].ToString());
        string Option(string value, string label, string current) =>
            $"<option value=\"{E(value)}\"{(value == current ? " selected" : "")}>{E(label)}</option>";
        var html = new StringBuilder($"<form method=\"get\" action=\"{Root}submissions\" class=\"filters\">");
        html.Append($"<label>Search <input name=\"q\" value=\"{Value("q")}\" placeholder=\"id, course, learner, problem, grader file, reply, pull key\" size=\"40\"></label>");
        html.Append("<label>Status <select name=\"status\">").Append(Option("", "any", q["status"].ToString()));
        foreach (var status in Enum.GetValues<SubmissionStatus>()) html.Append(Option(status.ToWire(), status.ToWire(), q["status"].ToString().ToLowerInvariant()));
        html.Append("</select></label><label>Queue <select name=\"queue\">").Append(Option("", "any", q["queue"].ToString()));
        foreach (var name in catalog.Names) html.Append(Option(name, name, q["queue"].ToString()));
        html.Append($"</select></label><label>Failures ≥ <input name=\"failures\" type=\"number\" min=\"0\" value=\"{Value("failures")}\" size=\"4\"></label>")
            .Append($"<label>Created from (UTC) <input name=\"from\" type=\"datetime-local\" value=\"{Value("from")}\"></label>")
            .Append($"<label>to <input name=\"to\" type=\"datetime-local\" value=\"{Value("to")}\"></label>")
            .Append("<button type=\"submit\">Filter</button></form>");
        return html.ToString();
    }

    static string NextLink(IQueryCollection q, string after)
    {
        var parts = q.Where(p => p.Key != "after").Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}").Append($"after={after}");
        return $"{Root}submissions?{string.Join('&', parts)}";
    }
}
