using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// One submission: header fields, its timeline, the LMS's header and body, files, the grader's reply and
/// the actions allowed on it. Everything learner- or grader-supplied is HTML-encoded; files are offered as
/// downloads only (never rendered), with their names encoded.
/// </summary>
public partial class SubmissionDetailPage
{
    public static async Task<IResult> Show(
        string id, HttpContext http, SubmissionStore store, HeldSubmissions held, AuditLog audit, IOptions<XQueueOptions> options)
    {
        if (!long.TryParse(id, out var submissionId) || !SubmissionId.IsValid(submissionId))
        {
            return Refused("Submission", $"'{id}' is not a submission id.", StatusCodes.Status400BadRequest);
        }
        var actions = audit.ForSubmissionAsync(submissionId, 20, http.RequestAborted);
        if (await store.GetAsync(submissionId, http.RequestAborted) is not { } stored)
        {
            await actions;
            return Refused($"Submission {submissionId}", "No such submission (never made, or deleted after its retention).", StatusCodes.Status404NotFound);
        }
        var s = await held.ShownAsync(stored, http.RequestAborted);
        var body = await ReadAsync(store, s.Body, http.RequestAborted);
        var reply = s.Reply is null ? null : await ReadAsync(store, s.Reply, http.RequestAborted);
        return new PageResult<SubmissionDetailPage>(new
        {
            Submission = s, Body = body, Reply = reply, Facts = SubmissionFacts.Of(s.CallbackUrl, body), AuditEntries = await actions,
            SuperAdmin = options.Value.Dashboard.SuperAdminNames.Contains(http.User.Identity?.Name ?? ""),
        });
    }

    static IResult Refused(string title, string message, int status) => new PageResult<MessagePage>(new { Title = title, Message = message }, status);

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

    // A file's index in its download URL is its place in name order.
    static KeyValuePair<string, string>[] Ordered(Submission s) => s.Files.OrderBy(f => f.Key, StringComparer.Ordinal).ToArray();
}
