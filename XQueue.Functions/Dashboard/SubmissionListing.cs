using Azure.Data.Tables;
using System.Diagnostics;
using XQueue.Functions.Storage;
using XQueue.Functions.Handouts;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Dashboard;

/// <summary>What the operator asks the list for. Text matches any listed field (case-insensitive); an id as text is a lookup.</summary>
public sealed record SubmissionQuery(
    SubmissionStatus? Status = null, string? Queue = null, int? MinFailures = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Text = null);

public sealed record SubmissionRow(
    long Id, string Queue, SubmissionStatus Status, SubmissionFacts Facts, int Failures, DateTimeOffset StatusAt, DateTimeOffset ReceivedAt);

/// <param name="After">The cursor for the next page (null when the list is complete).</param>
/// <param name="Scanned">Submissions read to find these rows (the cost of a search).</param>
/// <param name="OutOfTime">The search stopped at its time budget; the next page goes on from <paramref name="After"/>.</param>
public sealed record SubmissionPage(IReadOnlyList<SubmissionRow> Rows, string? After, int Scanned, bool OutOfTime);

/// <summary>
/// The dashboard's submission list, newest first (the submission key is the reversed id). A lookup by id
/// is one point read; the failed list reads <see cref="FailedIndex"/>; the time range is a key range; status,
/// queue and failures are service-side filters; free text is matched here, page by page, within a time
/// budget, resuming from the last key it looked at — never an unbounded scan of the history. A waiting submission a
/// grader holds now is listed as pulled (<see cref="HeldSubmissions"/>); the pulled list is the holds themselves.
/// </summary>
public sealed class SubmissionListing(StorageAccount storage, StorageNames names, SubmissionStore store, FailedIndex failed, HeldSubmissions held)
{
    public static readonly TimeSpan SearchBudget = TimeSpan.FromSeconds(2);
    const int ScanPage = 250;

    static readonly string[] ListColumns = ["Id", "Queue", "Status", "CallbackUrl", "Body", "Pulls", "StatusAt", "ReceivedAt", "RetireReason"];
    static readonly string[] SearchColumns = [.. ListColumns, "PullKey", "Reply", "ReplyVersion"];

    readonly TableClient table = storage.GetTable(names.SubmissionsTable);

    public async Task<SubmissionPage> ListAsync(SubmissionQuery query, int size, string? after, CancellationToken cancellationToken = default)
    {
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        if (text is not null && long.TryParse(text, out var id))
        {
            var found = await store.GetAsync(id, cancellationToken);
            return new SubmissionPage(found is null ? [] : [Row(await held.ShownAsync(found, cancellationToken))], null, found is null ? 0 : 1, false);
        }
        if (query is { Status: SubmissionStatus.Failed, MinFailures: null, From: null, To: null } && text is null)
        {
            var entries = await failed.PageAsync(query.Queue, size, after, cancellationToken);
            var rows = entries.Select(Row).ToArray();
            return new SubmissionPage(rows, rows.Length == size ? SubmissionId.PartitionKey(rows[^1].Id) : null, rows.Length, false);
        }
        var live = await held.LiveAsync(cancellationToken);
        return query.Status == SubmissionStatus.Pulled
            ? await HeldAsync(query, text, size, after, live, cancellationToken)
            : await ScanAsync(query, text, size, after, live, cancellationToken);
    }

    async Task<SubmissionPage> ScanAsync(
        SubmissionQuery query, string? text, int size, string? after, IReadOnlyDictionary<long, Hold> live, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var filter = Filter(query, after);
        var rows = new List<SubmissionRow>(size);
        var scanned = 0;
        string? lastKey = null;
        string? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(filter, text is null ? size : ScanPage, text is null ? ListColumns : SearchColumns, continuation, cancellationToken);
            foreach (var entity in page.Entities)
            {
                scanned++;
                lastKey = entity.PartitionKey;
                var submission = held.Shown(SubmissionEntity.FromEntity(entity), live);
                if (query.Status is { } wanted && submission.Status != wanted) continue; // pending, but held now
                var row = Row(submission);
                if (row.Failures >= (query.MinFailures ?? 0) && (text is null || Matches(submission, row.Facts, text))) rows.Add(row);
                if (rows.Count == size) return new SubmissionPage(rows, lastKey, scanned, false);
            }
            continuation = page.Continuation;
        }
        while (continuation is not null && clock.Elapsed < SearchBudget);
        return new SubmissionPage(rows, continuation is null ? null : lastKey, scanned, continuation is not null);
    }

    // A pull writes nothing to the table: the pulled submissions are the live holds, newest first, read one by one.
    async Task<SubmissionPage> HeldAsync(
        SubmissionQuery query, string? text, int size, string? after, IReadOnlyDictionary<long, Hold> live, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var from = query.From is { } start ? SubmissionId.FloorAt(start) : 0;
        var to = query.To is { } end ? SubmissionId.FloorAt(end.AddMilliseconds(1)) : long.MaxValue;
        var ids = live.Keys
            .Where(id => id >= from && id < to && (after is null || string.CompareOrdinal(SubmissionId.PartitionKey(id), after) > 0))
            .OrderByDescending(id => id);
        var rows = new List<SubmissionRow>(size);
        var scanned = 0;
        string? lastKey = null;
        foreach (var id in ids)
        {
            if (rows.Count == size || clock.Elapsed >= SearchBudget) return new SubmissionPage(rows, lastKey, scanned, rows.Count < size);
            scanned++;
            lastKey = SubmissionId.PartitionKey(id);
            if (await store.GetAsync(id, cancellationToken) is not { } stored) continue;
            var submission = held.Shown(stored, live);
            var row = Row(submission);
            if (submission.Status == SubmissionStatus.Pulled && (query.Queue is null || submission.Queue == query.Queue)
                && row.Failures >= (query.MinFailures ?? 0) && (text is null || Matches(submission, row.Facts, text))) rows.Add(row);
        }
        return new SubmissionPage(rows, null, scanned, false);
    }

    static string Filter(SubmissionQuery query, string? after)
    {
        var parts = new List<string> { $"RowKey eq '{SubmissionEntity.RowKey}'" };
        if (after is not null) parts.Add(TableClient.CreateQueryFilter($"PartitionKey gt {after}"));
        // Ids grow with time and keys are reversed ids, so a time range is a key range.
        if (query.To is { } to) parts.Add(TableClient.CreateQueryFilter($"PartitionKey ge {SubmissionId.PartitionKey(SubmissionId.FloorAt(to.AddMilliseconds(1)) - 1)}"));
        if (query.From is { } from) parts.Add(TableClient.CreateQueryFilter($"PartitionKey le {SubmissionId.PartitionKey(SubmissionId.FloorAt(from))}"));
        if (query.Status is { } status) parts.Add($"Status eq '{status.ToWire()}'");
        if (query.Queue is not null) parts.Add(TableClient.CreateQueryFilter($"Queue eq {query.Queue}"));
        if (query.MinFailures is > 0) parts.Add($"Pulls ge {query.MinFailures}");
        return string.Join(" and ", parts);
    }

    // Inline texts only: a body or reply kept in a blob (over 16,000 characters) is not searched.
    static bool Matches(Submission s, SubmissionFacts facts, string text) =>
        new[] { s.Queue, s.PullKey, facts.GraderFile, s.Reply?.Inline, facts.Learner, facts.Course, facts.Problem }
            .Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Unanswered pulls: every pull except one still running or answered.</summary>
    public static int Failures(Submission s) =>
        s.Status == SubmissionStatus.Pulled || s.RetireReason == RetireReason.Graded ? Math.Max(0, s.Pulls - 1) : s.Pulls;

    public static SubmissionRow Row(Submission s) =>
        new(s.Id, s.Queue, s.Status, SubmissionFacts.Of(s.CallbackUrl, s.Body.Inline), Failures(s), s.StatusAt, s.ReceivedAt);

    static SubmissionRow Row(FailedEntry e)
    {
        var fromUrl = SubmissionFacts.Of(e.CallbackUrl, null);
        return new(e.Id, e.Queue, SubmissionStatus.Failed, fromUrl with { Learner = e.Learner, GraderFile = e.GraderFile }, e.Pulls, e.FailedAt, e.ReceivedAt);
    }
}
