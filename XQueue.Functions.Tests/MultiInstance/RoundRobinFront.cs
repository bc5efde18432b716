using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>One request as the front routed it: which instance answered (-1: none), with what, and when.</summary>
public sealed record FrontRoute(int Instance, string Method, string Path, int Status, TimeSpan At);

/// <summary>
/// The platform's front end in miniature: one address for every client, and each request sent to the next
/// instance in turn, with no affinity of any kind (a client's login, its next call and the one after land on
/// three different instances). It is a real HTTP hop, so the clients stay exactly as the LMS and the watcher
/// are: their cookies, redirects and headers pass through untouched, the Host header included. An instance that
/// refuses the connection (killed) is skipped for the next one, as a front end stops routing to a dead instance;
/// a request the instance dies in the middle of gets 502, as the platform answers it.
/// </summary>
public sealed class RoundRobinFront : IAsyncDisposable
{
    // Hop-by-hop headers belong to one connection: the front's own connections carry their own.
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
    };

    readonly IReadOnlyList<Uri> instances;
    readonly HttpMessageInvoker upstream = new(new SocketsHttpHandler
    {
        UseCookies = false, AllowAutoRedirect = false, UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5),
    });
    readonly Stopwatch clock = Stopwatch.StartNew();
    WebApplication app = null!;
    int next = -1;

    RoundRobinFront(IReadOnlyList<Uri> instances) => this.instances = instances;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request in the order it was answered.</summary>
    public ConcurrentQueue<FrontRoute> Routes { get; } = new();

    public static async Task<RoundRobinFront> StartAsync(IReadOnlyList<Uri> instances)
    {
        var front = new RoundRobinFront(instances);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.ClearProviders();
        front.app = builder.Build();
        front.app.Run(front.ForwardAsync);
        await front.app.StartAsync();
        front.BaseAddress = new Uri(front.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return front;
    }

    /// <summary>The routes of requests to <paramref name="path"/> (without the query), in order.</summary>
    public IReadOnlyList<FrontRoute> RoutesTo(string path) => Routes.Where(r => r.Path == path).ToList();

    async Task ForwardAsync(HttpContext context)
    {
        // Read whole, so that a request refused by a dead instance can be sent to the next one.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var path = context.Request.Path.Value ?? "/";

        for (var tries = 0; tries < instances.Count; tries++)
        {
            var instance = (int)((uint)Interlocked.Increment(ref next) % (uint)instances.Count);
            using var request = Copy(context.Request, instances[instance], body);
            HttpResponseMessage response;
            try
            {
                response = await upstream.SendAsync(request, context.RequestAborted);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                continue; // not listening: the next instance
            }
            catch (HttpRequestException)
            {
                // The instance went away with the request: its outcome is unknown to the client, as on the platform.
                await AnswerAsync(context, instance, path, StatusCodes.Status502BadGateway);
                return;
            }
            using (response)
            {
                // Recorded before the client can have the answer, so a client's next look at the routes includes it.
                Routes.Enqueue(new FrontRoute(instance, context.Request.Method, path, (int)response.StatusCode, clock.Elapsed));
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
                }
                try
                {
                    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    // Died while answering: the client sees a cut reply.
                    context.Abort();
                }
            }
            return;
        }
        await AnswerAsync(context, -1, path, StatusCodes.Status502BadGateway);
    }

    async Task AnswerAsync(HttpContext context, int instance, string path, int status)
    {
        Routes.Enqueue(new FrontRoute(instance, context.Request.Method, path, status, clock.Elapsed));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync("Bad Gateway");
    }

    static HttpRequestMessage Copy(HttpRequest incoming, Uri instance, byte[] body)
    {
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(instance, incoming.Path + incoming.QueryString));
        if (body.Length > 0 || incoming.ContentLength is not null) request.Content = new ByteArrayContent(body);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        // A connection per request: on a reused connection that breaks before the answer, the client stack would
        // quietly send the request again, and the front would pass it to the next instance: a request run twice.
        request.Headers.ConnectionClose = true;
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }
}
