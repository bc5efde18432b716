using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace XQueue.Functions.Tests.Infrastructure;

public sealed record LegacyResult(int ReturnCode, JsonElement Content, string RawBody, HttpStatusCode Status)
{
    public string Text => Content.ValueKind == JsonValueKind.String ? Content.GetString()! : Content.GetRawText();
}

/// <summary>
/// The LMS's side of the protocol as edx-platform's XQueueInterface does it: a requests.Session that
/// follows redirects, Basic auth for a fronting proxy, and "login_required" → log in → resubmit once.
/// </summary>
public sealed class LmsClient(Uri server, string user, string password) : IDisposable
{
    readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
    {
        BaseAddress = server,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("edx:edx"u8.ToArray())) },
    };

    public int Logins { get; private set; }

    public async Task<(int Code, string Message)> SubmitAsync(string header, string body, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        var (code, message) = await PostAsync("/xqueue/submit/", () => SubmitContent(header, body, files));
        if (code != 0 && message == "login_required")
        {
            var (loginCode, loginMessage) = await PostAsync("/xqueue/login/", () => new FormUrlEncodedContent([new("username", user), new("password", password)]));
            Logins++;
            if (loginCode != 0) return (loginCode, loginMessage);
            return await PostAsync("/xqueue/submit/", () => SubmitContent(header, body, files));
        }
        return (code, message);
    }

    static HttpContent SubmitContent(string header, string body, IReadOnlyDictionary<string, byte[]>? files)
    {
        if (files is null || files.Count == 0) return new FormUrlEncodedContent([new("xqueue_header", header), new("xqueue_body", body)]);
        var multipart = new MultipartFormDataContent { { new StringContent(header), "xqueue_header" }, { new StringContent(body), "xqueue_body" } };
        foreach (var (name, bytes) in files) multipart.Add(new ByteArrayContent(bytes), name, name);
        return multipart;
    }

    async Task<(int, string)> PostAsync(string path, Func<HttpContent> content)
    {
        using var response = await http.PostAsync(path, content());
        if (response.StatusCode != HttpStatusCode.OK) return (1, $"unexpected HTTP status code [{(int)response.StatusCode}]");
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var content2 = json.RootElement.GetProperty("content");
            return (json.RootElement.GetProperty("return_code").GetInt32(), content2.ValueKind == JsonValueKind.String ? content2.GetString()! : content2.GetRawText());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (1, "unexpected reply from server");
        }
    }

    public void Dispose() => http.Dispose();
}

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

public static class LegacyText
{
    public static string Header(string callbackUrl, string lmsKey, string queue) =>
        $"{{\"lms_callback_url\": {JsonSerializer.Serialize(callbackUrl)}, \"lms_key\": \"{lmsKey}\", \"queue_name\": {JsonSerializer.Serialize(queue)}}}";

    public static string Body(string code, string grader = "grade.py") =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["grader_payload"] = $"{{\"grader\": \"{grader}\"}}",
            ["student_info"] = "{\"anonymous_student_id\": \"anon-1\", \"submission_time\": \"20261121120000\", \"random_seed\": 1}",
            ["student_response"] = code,
        });

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
