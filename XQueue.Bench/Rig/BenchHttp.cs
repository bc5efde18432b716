using System.Net;
using System.Text.Json;

namespace XQueue.Bench.Rig;

/// <summary>A reply the simulated client could not use: a non-200 answer, or an error the real client would log.</summary>
public sealed class BenchFailure(string message) : Exception(message);

/// <summary>What both simulated clients share: one keep-alive connection pool with a cookie jar, and the legacy envelope.</summary>
public static class BenchHttp
{
    /// <param name="instances">The service's instances; with more than one, each request goes to the next (<see cref="InstanceRotation"/>).</param>
    public static HttpClient NewClient(IReadOnlyList<Uri> instances, bool followRedirects, CookieContainer? cookies = null)
    {
        var sockets = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
            AllowAutoRedirect = followRedirects,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        };
        return new HttpClient(instances.Count > 1 ? new InstanceRotation(instances, sockets) : sockets)
        {
            BaseAddress = instances[0],
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>{"return_code": N, "content": …}: the content as text (a JSON string unquoted, anything else raw).</summary>
    public static (int Code, string Content) ParseEnvelope(string json)
    {
        using var document = JsonDocument.Parse(json);
        var content = document.RootElement.GetProperty("content");
        return (document.RootElement.GetProperty("return_code").GetInt32(),
            content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText());
    }

    public static async Task<(int Code, string Content)> EnvelopeAsync(HttpResponseMessage response, string what)
    {
        if (response.StatusCode != HttpStatusCode.OK) throw new BenchFailure($"{what}: HTTP {(int)response.StatusCode}");
        return ParseEnvelope(await response.Content.ReadAsStringAsync());
    }
}
