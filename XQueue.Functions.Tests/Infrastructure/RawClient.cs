using System.Net;
using System.Text;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>A logged-in session that sends requests exactly as written and returns the raw reply.</summary>
public sealed class RawClient : IDisposable
{
    readonly HttpClient http;

    RawClient(HttpClient http) => this.http = http;

    public static async Task<RawClient> LoginAsync(TestService service, string user = TestService.LmsUser, string password = TestService.LmsPassword) =>
        new(await SessionAsync(service, user, password));

    /// <summary>An HttpClient logged in through /xqueue/login/, keeping the session cookie, following no redirect.</summary>
    public static async Task<HttpClient> SessionAsync(TestService service, string user, string password, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = service.BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        using var login = await http.PostAsync("/xqueue/login/", new FormUrlEncodedContent([new("username", user), new("password", password)]));
        Assert.Equal("{\"return_code\": 0, \"content\": \"Logged in\"}", await login.Content.ReadAsStringAsync());
        return http;
    }

    public static RawClient Anonymous(TestService service) =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress });

    /// <summary>Every request carries this token (<c>Bearer</c>, or Open edX's <c>JWT</c>), and no cookie.</summary>
    public static RawClient WithToken(TestService service, string token, string scheme = "Bearer") =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = service.BaseAddress,
            DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(scheme, token) },
        });

    public Task<(HttpStatusCode Status, string Body)> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<(HttpStatusCode Status, string Body)> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        });

    public Task<(HttpStatusCode Status, string Body)> PostAsync(string path, HttpContent content) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content });

    public Task<(HttpStatusCode Status, string Body)> PostBytesAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return PostAsync(path, content);
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
        {
            return (response.StatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        }
    }

    public void Dispose() => http.Dispose();
}
