using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Legacy;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Push;

/// <summary>What a push grader answered: its reply when it answered 200, otherwise why the attempt failed.</summary>
public sealed record PushResponse(string? Reply, string? Error)
{
    public bool Graded => Reply is not null;
}

/// <summary>
/// The original's push request (reference §7): a POST of <c>json.dumps({"xqueue_body": …, "xqueue_files": …})</c>
/// to the queue's URL, no header, and the whole body of a 200 answer is the grader's reply. Unlike the original,
/// TLS is verified and the request says it is JSON.
/// </summary>
public sealed class GraderPush(IHttpClientFactory clients, IOptions<XQueueOptions> options)
{
    public const string ClientName = "push";

    /// <summary>A reply may be as large as put_result accepts, no larger.</summary>
    public const int MaxReplyBytes = LegacyLimits.BodyChars;

    /// <summary>The exact bytes the original sends: Python's json.dumps, files as a JSON string inside (as get_submission nests them).</summary>
    public static string RequestBody(PulledSubmission pulled) =>
        PythonJson.Dumps(("xqueue_body", pulled.Body), ("xqueue_files", PulledContent.Files(pulled)));

    public async Task<PushResponse> PostAsync(Uri url, PulledSubmission pulled, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Push.Timeout);
        // The credentials travel in the Authorization header only, never in the request URI that logs, traces and errors may show.
        using var request = new HttpRequestMessage(HttpMethod.Post, new UriBuilder(url) { UserName = "", Password = "" }.Uri)
        {
            // json.dumps escapes everything outside ASCII, so the body is ASCII whatever the learner wrote.
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes(RequestBody(pulled))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (BasicCredentials(url) is { } credentials) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (status != 200) return new PushResponse(null, $"HTTP {status}");
            return new PushResponse(await response.Content.ReadAsStringAsync(timeout.Token), null);
        }
        catch (HttpRequestException e)
        {
            // The reply larger than MaxReplyBytes lands here too (the client's buffer limit).
            return new PushResponse(null, e.HttpRequestError == HttpRequestError.Unknown ? "reply refused: " + e.Message : e.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PushResponse(null, "timeout");
        }
    }

    // The original sends REQUESTS_BASIC_AUTH to push graders too; here the URL's user info carries it.
    static string? BasicCredentials(Uri url) =>
        string.IsNullOrEmpty(url.UserInfo) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo)));
}
