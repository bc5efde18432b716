using System.Net;
using System.Text.Json;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// xqueue-watcher's client (2026): no redirects followed, a GET of the login page as CSRF prefetch,
/// POST login with Referer and X-CSRFToken, and one re-login on 301/302/401/403 per request.
/// </summary>
public sealed class WatcherClient(Uri server, string user, string password) : IDisposable
{
    readonly CookieContainer cookies = new();
    HttpClient? http;

    HttpClient Http => http ??= new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server };

    public int Logins { get; private set; }

    public async Task<bool> LoginAsync()
    {
        foreach (Cookie cookie in cookies.GetCookies(server)) cookie.Expired = true;
        Http.DefaultRequestHeaders.Remove("X-CSRFToken");
        using (await Http.GetAsync("/xqueue/login/")) { }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/login/")
        {
            Content = new FormUrlEncodedContent([new("username", user), new("password", password)]),
        };
        request.Headers.Referrer = new Uri(server, "/xqueue/login/");
        if (Csrf() is { } token) request.Headers.Add("X-CSRFToken", token);
        using var response = await Http.SendAsync(request);
        Logins++;
        if (response.StatusCode != HttpStatusCode.OK) return false;
        var ok = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("return_code").GetInt32() == 0;
        if (ok)
        {
            Http.DefaultRequestHeaders.Referrer = server;
            if (Csrf() is { } fresh) Http.DefaultRequestHeaders.Add("X-CSRFToken", fresh);
        }
        return ok;
    }

    public string SessionCookieHeader() => cookies.GetCookieHeader(server);

    string? Csrf() => cookies.GetCookies(server)["csrftoken"]?.Value;

    public Task<LegacyResult?> GetSubmissionAsync(string queue) =>
        RequestAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={Uri.EscapeDataString(queue)}"));

    public Task<LegacyResult?> GetQueueLenAsync(string queue) =>
        RequestAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_queuelen/?queue_name={Uri.EscapeDataString(queue)}"));

    public Task<LegacyResult?> PutResultAsync(string header, string body) =>
        RequestAsync(() => new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_result/")
        {
            Content = new FormUrlEncodedContent([new("xqueue_header", header), new("xqueue_body", body)]),
        });

    /// <summary>The lease addition (docs/grader-api.md, "Leases"): keeps a pull's submission from other graders for <paramref name="seconds"/> more.</summary>
    public Task<LegacyResult?> ExtendLeaseAsync(string header, int seconds) =>
        RequestAsync(() => new HttpRequestMessage(HttpMethod.Post, "/xqueue/extend_lease/")
        {
            Content = new FormUrlEncodedContent([new("xqueue_header", header), new("seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        });

    /// <returns>The parsed reply, or null where the watcher would log a failure (non-200, not JSON).</returns>
    async Task<LegacyResult?> RequestAsync(Func<HttpRequestMessage> request)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await Http.SendAsync(request());
            if (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && attempt == 0)
            {
                if (!await LoginAsync()) return null;
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK) return null;
            return Parse(await response.Content.ReadAsStringAsync(), response.StatusCode);
        }
        return null;
    }

    public static LegacyResult Parse(string body, HttpStatusCode status)
    {
        using var json = JsonDocument.Parse(body);
        return new LegacyResult(json.RootElement.GetProperty("return_code").GetInt32(), json.RootElement.GetProperty("content").Clone(), body, status);
    }

    public void Dispose() => http?.Dispose();
}
