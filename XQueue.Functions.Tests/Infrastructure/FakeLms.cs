using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace XQueue.Functions.Tests.Infrastructure;

public sealed record LmsCallbackRecord(string Path, string Header, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP listener standing in for the LMS's xqueue_callback view: records every form POST
/// and answers 200, or whatever status the test sets (an LMS that is down).
/// </summary>
public sealed class FakeLms : IAsyncDisposable
{
    readonly WebApplication app;
    public ConcurrentQueue<LmsCallbackRecord> Received { get; } = new();
    public int Attempts;

    /// <summary>The status the LMS answers with; 200 means "accepted".</summary>
    public volatile int Status = 200;

    /// <summary>
    /// How long the LMS takes over a callback before it records it and answers (a slow LMS). A sender that goes
    /// away meanwhile (killed) leaves nothing recorded, as its request never completed.
    /// </summary>
    public TimeSpan AnswerDelay { get; set; } = TimeSpan.Zero;

    FakeLms(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeLms> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var lms = new FakeLms(app);
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref lms.Attempts);
            var form = await request.ReadFormAsync();
            if (lms.AnswerDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(lms.AnswerDelay, request.HttpContext.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            if (lms.Status != 200) return Results.StatusCode(lms.Status);
            lms.Received.Enqueue(new LmsCallbackRecord(request.Path + request.QueryString, form["xqueue_header"].ToString(), form["xqueue_body"].ToString(), DateTimeOffset.UtcNow));
            return Results.Text("");
        });
        await app.StartAsync();
        lms.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return lms;
    }

    /// <summary>A callback URL shaped like the LMS's (reference §3.1); <paramref name="padding"/> makes it long.</summary>
    public string CallbackUrl(int userId, string block, string padding = "") =>
        new Uri(BaseAddress, $"/courses/course-v1:MITx+6.00x+2026{padding}/xqueue/{userId}/block-v1:MITx+6.00x+2026+type@problem+block@{block}/score_update").AbsoluteUri;

    public async Task<IReadOnlyList<LmsCallbackRecord>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Received.ToArray();
    }

    /// <summary>The first callback that <paramref name="matches"/> (other tests may share this LMS), or null after the timeout.</summary>
    public async Task<LmsCallbackRecord?> WaitForAsync(Func<LmsCallbackRecord, bool> matches, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Received.FirstOrDefault(matches) is { } found) return found;
            await Task.Delay(50);
        }
        return Received.FirstOrDefault(matches);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
