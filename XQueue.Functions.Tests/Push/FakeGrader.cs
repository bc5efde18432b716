using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace XQueue.Functions.Tests.Push;

public sealed record GraderRequest(string Body, string? ContentType, string? Authorization, DateTimeOffset At);

/// <summary>
/// A real HTTP listener standing in for an original-XQueue push grader: records every POST (raw body and
/// headers) and answers what <see cref="Answer"/> says for that request (the 1-based count of requests so far).
/// Also counts the requests it is working on at once.
/// </summary>
public sealed class FakeGrader : IAsyncDisposable
{
    readonly WebApplication app;
    int count;
    int inFlight;

    FakeGrader(WebApplication app) => this.app = app;

    public ConcurrentQueue<GraderRequest> Received { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public int MaxInFlight;
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>The answer to request number n; by default a correct result naming n.</summary>
    public Func<int, Task<IResult>> Answer { get; set; } = n => Task.FromResult(Results.Text(Reply(n), "application/json"));

    public static string Reply(int n) => $"{{\"correct\": true, \"score\": 1, \"msg\": \"<p>graded by request {n}</p>\"}}";

    public static async Task<FakeGrader> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var grader = new FakeGrader(app);
        app.MapPost("/{**path}", grader.HandleAsync);
        await app.StartAsync();
        grader.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return grader;
    }

    async Task<IResult> HandleAsync(HttpRequest request)
    {
        var now = Interlocked.Increment(ref inFlight);
        try
        {
            int seen;
            while (now > (seen = Volatile.Read(ref MaxInFlight)) && Interlocked.CompareExchange(ref MaxInFlight, now, seen) != seen) { }
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var n = Interlocked.Increment(ref count);
            Received.Enqueue(new GraderRequest(body, request.ContentType, request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow));
            return await Answer(n);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    public async Task<IReadOnlyList<GraderRequest>> WaitForAsync(int requests, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received.Count < requests && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
