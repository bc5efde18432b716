using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace XQueue.Functions.Tests.Delivery;

public sealed record EventGridPost(string? Key, string? Authorization, string? ContentType, string Body, int AnsweredWith);

/// <summary>
/// A real HTTP listener playing an Event Grid topic endpoint (CloudEvents schema): it records every POST and
/// answers 401 without the right aeg-sas-key (when it has a key), 415 for any content type but one
/// structured-mode CloudEvent, and otherwise 500 for the first <see cref="FailFirst"/> posts, then 200.
/// </summary>
public sealed class FakeEventGrid : IAsyncDisposable
{
    public const string Key = "topic-key-for-test";
    public const string EventContentType = "application/cloudevents+json; charset=utf-8";

    readonly WebApplication app;
    int posts;

    FakeEventGrid(WebApplication app) => this.app = app;

    public ConcurrentQueue<EventGridPost> Posts { get; } = new();

    /// <summary>How many posts, counted from the first, are answered 500 (a topic having trouble).</summary>
    public volatile int FailFirst;

    /// <summary>The key it insists on; null: any caller (for the Entra ID token path, which checks the bearer itself).</summary>
    public string? RequiredKey { get; init; } = Key;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeEventGrid> StartAsync(string? requiredKey = Key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var grid = new FakeEventGrid(app) { RequiredKey = requiredKey };
        app.MapPost("/api/events", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var key = request.Headers["aeg-sas-key"].FirstOrDefault();
            var status = grid.RequiredKey is not null && key != grid.RequiredKey ? 401
                : request.ContentType != EventContentType ? 415
                : Interlocked.Increment(ref grid.posts) <= grid.FailFirst ? 500
                : 200;
            grid.Posts.Enqueue(new EventGridPost(key, request.Headers.Authorization.FirstOrDefault(), request.ContentType, body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        grid.Endpoint = new Uri(address, "/api/events");
        return grid;
    }

    public IReadOnlyList<EventGridPost> Accepted => Posts.Where(p => p.AnsweredWith == 200).ToList();

    public async Task<IReadOnlyList<EventGridPost>> WaitForAcceptedAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Accepted.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Accepted;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
