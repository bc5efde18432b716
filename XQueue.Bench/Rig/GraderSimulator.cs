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
public sealed class GraderSimulator(IReadOnlyList<Uri> instances, string user, string password) : IDisposable
{
    public const string Reply = "{\"correct\": true, \"score\": 1, \"msg\": \"<p>Good job.</p>\"}";

    readonly CookieContainer cookies = new();
    readonly Uri server = instances[0]; // the Referer, and where cookies are looked up (they are kept per host, not per port)
    HttpClient? client;

    HttpClient Http => client ??= BenchHttp.NewClient(instances, followRedirects: false, cookies);

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

    /// <param name="waitSeconds">Long-poll: how long the service may hold the request for work to arrive.</param>
    /// <returns>The submission, or null when the queue is empty.</returns>
    public async Task<Pulled?> GetSubmissionAsync(string queue, double? waitSeconds = null)
    {
        var wait = waitSeconds is { } seconds ? $"&wait={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        var (code, content) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={Uri.EscapeDataString(queue)}{wait}"));
        if (code != 0) return IsEmpty(queue, content) ? null : throw new BenchFailure($"get_submission: {content}");
        using var outer = JsonDocument.Parse(content);
        return ReadPulled(outer.RootElement);
    }

    /// <summary>Bulk pull: up to <paramref name="n"/> submissions in one request (empty when the queue is).</summary>
    public async Task<IReadOnlyList<Pulled>> GetSubmissionsAsync(string queue, int n)
    {
        var (code, content) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submissions/?queue_name={Uri.EscapeDataString(queue)}&n={n}"));
        if (code != 0) return IsEmpty(queue, content) ? [] : throw new BenchFailure($"get_submissions: {content}");
        using var list = JsonDocument.Parse(content);
        return list.RootElement.EnumerateArray().Select(ReadPulled).ToArray();
    }

    /// <summary>Bulk put: every result in one JSON POST; each item must be accepted.</summary>
    public async Task PutResultsAsync(IReadOnlyList<Pulled> pulled, string reply = Reply)
    {
        var items = JsonSerializer.Serialize(pulled.Select(p => new Dictionary<string, string> { ["xqueue_header"] = p.ReplyHeader, ["xqueue_body"] = reply }));
        var (code, content) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_results/")
        {
            Content = new StringContent(items, System.Text.Encoding.UTF8, "application/json"),
        });
        if (code != 0) throw new BenchFailure($"put_results: {content}");
        using var answers = JsonDocument.Parse(content);
        var refused = answers.RootElement.EnumerateArray().Count(a => a.GetProperty("return_code").GetInt32() != 0);
        if (refused > 0) throw new BenchFailure($"put_results: {refused} of {pulled.Count} refused");
    }

    static bool IsEmpty(string queue, string content) => content == $"Queue '{queue}' is empty";

    // The object get_submission's content holds (and each item of get_submissions'): the header is JSON inside JSON.
    static Pulled ReadPulled(JsonElement submission)
    {
        using var header = JsonDocument.Parse(submission.GetProperty("xqueue_header").GetString()!);
        return new Pulled(
            header.RootElement.GetProperty("submission_id").GetInt64(),
            header.RootElement.GetProperty("submission_key").GetString()!,
            submission.GetProperty("xqueue_body").GetString()!);
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
