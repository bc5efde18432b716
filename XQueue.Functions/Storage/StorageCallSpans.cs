using System.Diagnostics;

namespace XQueue.Functions.Storage;

/// <summary>
/// The storage calls one unit of work (an HTTP request) made, each as the span of time from its start to its
/// answer, retries and <see cref="AddedLatencyPolicy"/> included: how many there were, and how many of them ran one
/// after another (<see cref="Sequential"/>). Ambient: <see cref="Begin"/> makes it current for the flow that
/// calls it and everything that flow awaits or starts, and <see cref="CallSpanPolicy"/> adds every call made
/// there. A call that ends after <see cref="End"/> (work the request started and did not wait for) is left out.
/// </summary>
public sealed class StorageCallSpans
{
    /// <summary>Spans kept per unit of work; further calls are counted, not timed (a dashboard search reads pages).</summary>
    public const int MaxSpans = 4096;

    static readonly AsyncLocal<StorageCallSpans?> current = new();

    readonly List<(long Start, long End)> spans = [];
    int calls;
    bool ended;

    /// <summary>The spans the current flow records into, or null outside a unit of work.</summary>
    public static StorageCallSpans? Current => current.Value;

    /// <summary>Opens a unit of work for the calling flow (and what it starts); end it with <see cref="End"/>.</summary>
    public static StorageCallSpans Begin() => current.Value = new StorageCallSpans();

    /// <summary>One call, from <paramref name="start"/> to <paramref name="end"/> (<see cref="Stopwatch.GetTimestamp"/> values).</summary>
    public void Add(long start, long end)
    {
        lock (spans)
        {
            if (ended) return;
            calls++;
            if (spans.Count < MaxSpans) spans.Add((start, end));
        }
    }

    /// <summary>Closes the unit of work: later calls are not added. Returns its calls and its sequential calls.</summary>
    public (int Calls, int Sequential) End()
    {
        if (current.Value == this) current.Value = null;
        lock (spans)
        {
            ended = true;
            return (calls, Sequential(spans));
        }
    }

    /// <summary>
    /// The most calls of <paramref name="spans"/> that ran one after another, none overlapping the next: the length
    /// of the critical path in calls. Calls made at once count once; a call that starts as another ends follows it.
    /// Any set of spans that do not overlap each other forms such a chain, so this is the classic interval
    /// scheduling count: take the span that ends first, then the next that starts after it ends, and so on.
    /// </summary>
    public static int Sequential(IReadOnlyCollection<(long Start, long End)> spans)
    {
        var chain = 0;
        var free = long.MinValue;
        foreach (var (start, end) in spans.OrderBy(span => span.End))
        {
            if (start < free) continue;
            chain++;
            free = end;
        }
        return chain;
    }
}
