using System.Globalization;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// Submissions, newest first, filtered and searched (<see cref="SubmissionListing"/>), with checkboxes for
/// the bulk actions. "Next page" carries the key the page ended at, so paging never re-reads earlier rows.
/// </summary>
public partial class SubmissionListPage
{
    public const int PageSize = 50;

    public static async Task<IResult> Show(HttpContext http, SubmissionListing listing, QueueCatalog catalog)
    {
        var q = http.Request.Query;
        if (Parse(q, out var error) is not { } query) return Refused(error!);
        var after = q["after"].ToString() is { Length: > 0 } cursor && SubmissionId.FromPartitionKey(cursor) is not null ? cursor : null;
        if (q["after"].Count > 0 && after is null) return Refused("The page cursor is not valid.");

        var page = await listing.ListAsync(query, PageSize, after, http.RequestAborted);
        return new PageResult<SubmissionListPage>(new { Query = q, Queues = catalog.Names, Listed = page });
    }

    static IResult Refused(string message) =>
        new PageResult<MessagePage>(new { Title = "Submissions", Message = message }, StatusCodes.Status400BadRequest);

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

    /// <summary>The list of one queue's submissions, of one status when given.</summary>
    public static string Link(string queue, string? status = null) =>
        $"{Layout.Root}submissions?queue={Uri.EscapeDataString(queue)}" + (status is null ? "" : $"&status={Uri.EscapeDataString(status)}");

    // The same filters, starting after the last row shown.
    static string NextLink(IQueryCollection q, string after)
    {
        var parts = q.Where(p => p.Key != "after").Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}").Append($"after={after}");
        return $"{Layout.Root}submissions?{string.Join('&', parts)}";
    }
}
