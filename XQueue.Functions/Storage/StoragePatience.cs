using System.Diagnostics;
using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>
/// How long one storage call may keep being retried when Azure asks for it (503 ServerBusy past its scalability
/// targets, 500 OperationTimedOut, a reset connection), measured from the call's first attempt. It is set for the
/// request being served (<see cref="StoragePatienceAttribute"/>, by the function gate) and flows with it; work no
/// client waits for (delivery, the sweep, refills) is given <see cref="Background"/>.
/// </summary>
public static class StoragePatience
{
    /// <summary>Nobody waits on background work, and giving up only means trying again later: ride out a burst.</summary>
    public static readonly TimeSpan Background = TimeSpan.FromSeconds(30);

    /// <summary>For a request whose function names no patience of its own (the dashboard, status, metrics).</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(2);

    static readonly AsyncLocal<TimeSpan?> current = new();

    /// <summary>The patience of the calls made from here on in this flow, until the scope is disposed.</summary>
    public static Scope Use(TimeSpan patience)
    {
        var outer = current.Value;
        current.Value = patience;
        return new Scope(outer);
    }

    /// <summary>What is left of the patience of <paramref name="message"/>'s call; zero or less means give up now.</summary>
    public static TimeSpan Left(HttpMessage message) =>
        (current.Value ?? Background) - Stopwatch.GetElapsedTime(StartOf(message));

    // The retry policy stamps each call once, at its first attempt.
    const string StartProperty = "xqueue.patience.start";

    public static void Stamp(HttpMessage message)
    {
        if (!message.TryGetProperty(StartProperty, out _)) message.SetProperty(StartProperty, Stopwatch.GetTimestamp());
    }

    static long StartOf(HttpMessage message) =>
        message.TryGetProperty(StartProperty, out var start) && start is long ticks ? ticks : Stopwatch.GetTimestamp();

    public readonly struct Scope(TimeSpan? outer) : IDisposable
    {
        public void Dispose() => current.Value = outer;
    }
}
