using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The host's half of an HTTP invocation for a worker that reported the HttpUri capability: find the
/// function the way the host's router would, then copy the client's request to the worker's URI. The
/// host proxies with YARP's <c>IHttpForwarder</c> and its default transformer (DefaultHttpProxyService):
/// same method, path, query, headers and body; the Host header becomes the worker's; X-Forwarded-For,
/// X-Forwarded-Proto and X-Forwarded-Host are set from the client's connection and Host; and
/// <c>x-ms-invocation-id</c> carries the invocation id, which the worker's ASP.NET Core integration uses to
/// pair the request with the <c>InvocationRequest</c> (WorkerRequestServicesMiddleware, DefaultHttpCoordinator).
/// </summary>
static class HttpForwarding
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    // Headers that describe one hop, which a proxy does not pass on (YARP's RequestUtilities list, in short).
    static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
        "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "HTTP2-Settings", "Alt-Svc",
    };

    /// <summary>
    /// The route prefix both sides use: <c>extensions.http.routePrefix</c> in the app's host.json, "api" when
    /// absent (the worker reads the same file, FunctionsEndpointDataSource); an empty string means no prefix.
    /// </summary>
    public static string RoutePrefix(string appDirectory)
    {
        var hostJson = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(hostJson)) return "api";
        using var document = JsonDocument.Parse(File.ReadAllText(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return Find(document.RootElement, "extensions") is { } extensions && Find(extensions, "http") is { } http && Find(http, "routePrefix") is { ValueKind: JsonValueKind.String } prefix
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    /// <summary>
    /// The route values when <paramref name="function"/>'s route (<c>prefix/route</c>, the function's name when
    /// it has none) and methods accept the request; otherwise an exception that says why the host would not
    /// route it there.
    /// </summary>
    public static RouteValueDictionary Route(LoadedFunction function, FunctionBinding trigger, string routePrefix, HttpMethod method, Uri publicUri)
    {
        var route = (trigger.Route ?? function.Name).Trim('/');
        var template = routePrefix.Length == 0 ? route : $"{routePrefix}/{route}";
        var values = new RouteValueDictionary();
        var matcher = new TemplateMatcher(TemplateParser.Parse(template), new RouteValueDictionary());
        if (!matcher.TryMatch(publicUri.AbsolutePath, values))
            throw new ArgumentException($"The host would not route {publicUri.AbsolutePath} to {function.Name}: its route is /{template}.");
        if (trigger.Methods is { Count: > 0 } methods && !methods.Contains(method.Method, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"{function.Name} accepts {string.Join(", ", methods)}, not {method.Method}.");
        return values;
    }

    /// <summary>The request as the worker receives it from the host.</summary>
    public static HttpRequestMessage Forward(HttpRequestMessage client, Uri publicUri, Uri workerUri, string invocationId, string clientAddress)
    {
        var forwarded = new HttpRequestMessage(client.Method, new Uri(workerUri, publicUri.PathAndQuery))
        {
            Version = System.Net.HttpVersion.Version11,
            Content = client.Content,
        };
        foreach (var (name, values) in client.Headers)
        {
            if (!HopHeaders.Contains(name)) forwarded.Headers.TryAddWithoutValidation(name, values);
        }
        Set(forwarded.Headers, "X-Forwarded-For", clientAddress);
        Set(forwarded.Headers, "X-Forwarded-Proto", publicUri.Scheme);
        Set(forwarded.Headers, "X-Forwarded-Host", client.Headers.Host ?? publicUri.Authority);
        Set(forwarded.Headers, InvocationIdHeader, invocationId);
        return forwarded;
    }

    static void Set(HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }

    static JsonElement? Find(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault()
            : null;
}
