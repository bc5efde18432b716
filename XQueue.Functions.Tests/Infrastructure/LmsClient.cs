using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace XQueue.Functions.Tests.Infrastructure;

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

    async Task<(int, string)> PostAsync(string path, Func<HttpContent> makeContent)
    {
        using var response = await http.PostAsync(path, makeContent());
        if (response.StatusCode != HttpStatusCode.OK) return (1, $"unexpected HTTP status code [{(int)response.StatusCode}]");
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var content = json.RootElement.GetProperty("content");
            return (json.RootElement.GetProperty("return_code").GetInt32(), content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (1, "unexpected reply from server");
        }
    }

    public void Dispose() => http.Dispose();
}
