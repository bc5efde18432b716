using System.Net;
using System.Net.Http.Headers;
using System.Text;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>A client that authenticates every request with a token (<c>Bearer</c>, or Open edX's <c>JWT</c>).</summary>
public sealed class BearerClient(TestService service, string token, string scheme = "Bearer") : IDisposable
{
    readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.BaseAddress };

    public Task<(HttpStatusCode Status, string Body)> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<(HttpStatusCode Status, string Body)> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        });

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        }
    }

    public void Dispose() => http.Dispose();
}
