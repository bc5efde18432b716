namespace XQueue.Functions.Submissions;

/// <summary>
/// The grader detail of one submission: a superset of the legacy Submission row and of edx-submissions'
/// ExternalGraderDetail. Header, body and reply are kept verbatim; large texts live in blobs.
/// </summary>
public sealed record Submission
{
    public required long Id { get; init; }
    public required string Queue { get; init; }
    public SubmissionStatus Status { get; init; } = SubmissionStatus.Pending;

    /// <summary>The LMS's xqueue_header, byte for byte; it is posted back with the result.</summary>
    public required string Header { get; init; }
    public required string CallbackUrl { get; init; }
    public StoredText Body { get; init; } = StoredText.Empty;

    /// <summary>Grader-visible file name → blob name.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
    public string? Submitter { get; init; }

    /// <summary>The work-queue message that stands for this submission, and its latest pop receipt.</summary>
    public string? MessageId { get; init; }
    public string? PopReceipt { get; init; }

    public string? PullKey { get; init; }
    public int Pulls { get; init; }
    public string? GraderUser { get; init; }
    public string? GraderAddress { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }

    public StoredText? Reply { get; init; }

    /// <summary>
    /// Identifies the stored reply (0 = none): increasing and never reused, also across failed attempts,
    /// so an outbox entry for an older or never-stored reply is recognised and dropped.
    /// </summary>
    public long ReplyVersion { get; init; }
    public RetireReason? RetireReason { get; init; }

    public DeliveryState Delivery { get; init; } = DeliveryState.None;
    public int DeliveryAttempts { get; init; }
    public int? LastDeliveryStatus { get; init; }
    public string? LastDeliveryError { get; init; }

    /// <summary>Per-channel progress of the current reply's delivery (empty until the first attempt).</summary>
    public IReadOnlyList<ChannelDelivery> Channels { get; init; } = [];

    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? FirstPulledAt { get; init; }
    public DateTimeOffset? PulledAt { get; init; }
    public DateTimeOffset? GradedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required DateTimeOffset StatusAt { get; init; }

    /// <summary>Pulls, delivery attempts and operator actions, oldest first (the newest <see cref="SubmissionEvent.Kept"/>).</summary>
    public IReadOnlyList<SubmissionEvent> History { get; init; } = [];

    public string? ETag { get; init; }
}

/// <summary>A text stored inline in the entity, or in a blob when too large for a table property.</summary>
public sealed record StoredText(string? Inline, string? BlobName)
{
    public static readonly StoredText Empty = new("", null);
}

public enum RetireReason
{
    Graded,
    Superseded,
    Failed,

    /// <summary>Retired by an operator from the dashboard.</summary>
    Operator,
}

public enum DeliveryState
{
    None,
    Pending,
    Delivered,
    GaveUp,
}
