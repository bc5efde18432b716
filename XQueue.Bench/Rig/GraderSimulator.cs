using System.Net;
using System.Text.Json;

namespace XQueue.Bench.Rig;

/// <summary>One submission handed to a grader: the id and key it answers with, and the learner's body.</summary>
public sealed record Pulled(long Id, string Key, string Body)
{
    /// <summary>The xqueue_header of put_result, as xqueue-watcher writes it.</summary>
    public string ReplyHeader => JsonSerializer.Serialize(new { submission_id = Id, submission_key = Key });
}

/// <summary>
/// xqueue-watcher's client: one requests.Session (keep-alive, cookies, no redirects followed); GET
/// get_submission, form POST put_result; a 302 (session missing) means log in (login page prefetch for
/// the CSRF cookie, POST with Referer and X-CSRFToken) and repeat the request once.
/// </summary>
public sealed class GraderSimulator(Uri server, string user, string password) : IDisposable
{
    public const string Reply = "{\"correct\": true, \"score\": 1, \"msg\": \"<p>Good job.</p>\"}";

    readonly CookieContainer cookies = new();
    HttpClient? client;

    HttpClient Http => client ??= BenchHttp.NewClient(server, followRedirects: false, cookies);

    public async Task LoginAsync()
    {
        using (await Http.GetAsync("/xqueue/login/")) { }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/login/")
        {
            Content = new FormUrlEncodedContent([new("username", user), new("password", password)]),
        };
        request.Headers.Referrer = new Uri(server, "/xqueue/login/");
        var csrf = Csrf();
        if (csrf is not null) request.Headers.Add("X-CSRFToken", csrf);
        using var response = await Http.SendAsync(request);
        var (code, content) = await BenchHttp.EnvelopeAsync(response, "grader login");
        if (code != 0) throw new BenchFailure($"grader login: {content}");
        Http.DefaultRequestHeaders.Referrer = server;
        Http.DefaultRequestHeaders.Remove("X-CSRFToken");
        if (Csrf() is { } fresh) Http.DefaultRequestHeaders.Add("X-CSRFToken", fresh);
    }

    /// <returns>The submission, or null when the queue is empty.</returns>
    public async Task<Pulled?> GetSubmissionAsync(string queue)
    {
        var (code, content) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={Uri.EscapeDataString(queue)}"));
        if (code != 0)
        {
            if (content == $"Queue '{queue}' is empty") return null;
            throw new BenchFailure($"get_submission: {content}");
        }
        using var outer = JsonDocument.Parse(content);
        using var header = JsonDocument.Parse(outer.RootElement.GetProperty("xqueue_header").GetString()!);
        return new Pulled(
            header.RootElement.GetProperty("submission_id").GetInt64(),
            header.RootElement.GetProperty("submission_key").GetString()!,
            outer.RootElement.GetProperty("xqueue_body").GetString()!);
    }

    public async Task PutResultAsync(Pulled pulled, string reply = Reply)
    {
        var (code, content) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_result/")
        {
            Content = new FormUrlEncodedContent([new("xqueue_header", pulled.ReplyHeader), new("xqueue_body", reply)]),
        });
        if (code != 0) throw new BenchFailure($"put_result: {content}");
    }

    async Task<(int, string)> SendAsync(Func<HttpRequestMessage> makeRequest)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = makeRequest();
            using var response = await Http.SendAsync(request);
            if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.Moved && attempt == 0)
            {
                await LoginAsync();
                continue;
            }
            return await BenchHttp.EnvelopeAsync(response, request.RequestUri!.AbsolutePath);
        }
    }

    string? Csrf() => cookies.GetCookies(server)["csrftoken"]?.Value;

    public void Dispose() => client?.Dispose();
}
