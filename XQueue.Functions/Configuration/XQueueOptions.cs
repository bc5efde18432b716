namespace XQueue.Functions.Configuration;

/// <summary>The <c>XQueue</c> configuration section (docs/configuration.md).</summary>
public sealed class XQueueOptions
{
    public const string Section = "XQueue";

    /// <summary>Declared queues by XQueue name (case-sensitive on the wire, as in the original).</summary>
    public Dictionary<string, QueueOptions> Queues { get; set; } = new(StringComparer.Ordinal);

    /// <summary>More queues, as one JSON object (see <see cref="Configuration.QueuesJson"/>): for hosts whose setting names cannot hold a queue name.</summary>
    public string? QueuesJson { get; set; }

    /// <summary>How long a pulled submission stays hidden before it is handed out again (legacy SUBMISSION_PROCESSING_DELAY).</summary>
    public TimeSpan ProcessingDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Unanswered pulls tolerated before a submission is failed and the LMS gets the failure notice.</summary>
    public int MaxFailures { get; set; } = 3;

    /// <summary>
    /// Most submissions a work queue's Storage Queue holds waiting; more wait in the backlog table in
    /// order and are moved in as it drains (docs/performance.md, "The queue window").
    /// </summary>
    public int QueueWindow { get; set; } = 200;

    public Dictionary<string, UserSeed> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Prefix of every queue, table and container name, so instances and tests can share one account.</summary>
    public string StoragePrefix { get; set; } = "";

    /// <summary>How long finished submissions (and their files) are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Lifetime of the read-only file URLs handed to graders.</summary>
    public TimeSpan FileUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    public SessionOptions Sessions { get; set; } = new();

    /// <summary>Bearer tokens (docs/auth.md): self-issued HS256 tokens and the LMS's RS256 tokens.</summary>
    public JwtOptions Jwt { get; set; } = new();

    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>
    /// Any logged-in session user may do anything, on any queue, as in the original XQueue. Off by default:
    /// session users are held to their roles and the queues' Submitters/Graders lists.
    /// </summary>
    public bool LegacyPermissive { get; set; }

    /// <summary>
    /// Comma list of hosts the LMS callback URL may name (<c>lms.example.com</c>, <c>*.example.com</c>, an IP).
    /// Empty: any public host. Loopback and private addresses only when listed exactly; link-local never.
    /// </summary>
    [CommaSeparated("a.example.com,b.example.com")]
    public string? CallbackHosts { get; set; }

    public DeliveryOptions Delivery { get; set; } = new();

    public SweepOptions Sweep { get; set; } = new();

    public DashboardOptions Dashboard { get; set; } = new();

    public LongPollOptions LongPoll { get; set; } = new();

    /// <summary>Longest a grader may hold a pulled submission by extending its lease (<see cref="LeaseLimit"/>); default 30 minutes.</summary>
    public TimeSpan? MaxLease { get; set; }

    public MetricsOptions Metrics { get; set; } = new();

    public ScoreEventsOptions ScoreEvents { get; set; } = new();

    public PushOptions Push { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public TimeSpan ProcessingDelayOf(string queueName) =>
        Queues.TryGetValue(queueName, out var queue) && queue.ProcessingDelay is { } delay ? delay : ProcessingDelay;
}

public sealed class QueueOptions
{
    /// <summary>Non-empty makes this a push queue: its submissions are POSTed to this URL (docs/grader-api.md, "Push graders").</summary>
    public string? PushUrl { get; set; }

    public bool IsPush => !string.IsNullOrEmpty(PushUrl);

    public TimeSpan? ProcessingDelay { get; set; }

    public TimeSpan? MaxLease { get; set; }

    /// <summary>Comma list of principals that may submit here (user names, token subjects, <c>claim=value</c>); empty: anyone with the submit role or scope.</summary>
    [CommaSeparated("lms,sub-of-a-token")]
    public string? Submitters { get; set; }

    /// <summary>Comma list of principals that may pull from and grade this queue; empty: anyone with the grade role or score scope.</summary>
    [CommaSeparated("grader-1,grader-2")]
    public string? Graders { get; set; }

    /// <summary><c>callback</c> (default), <c>event</c> or <c>both</c>: see <see cref="ScoreEventsOptions"/>.</summary>
    public string? Delivery { get; set; }
}

public sealed class UserSeed
{
    public string? Password { get; set; }

    /// <summary>Comma list of <c>submit</c>, <c>grade</c>, <c>admin</c>.</summary>
    [CommaSeparated("submit,grade")]
    public string? Roles { get; set; }
}

public sealed class SessionOptions
{
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Base64 HMAC key (≥ 32 bytes). When empty, a key is generated once and kept in storage.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Comma list of base64 keys still accepted (not used to sign): the keys a rotation replaced.</summary>
    [CommaSeparated("<older base64 key>,<oldest base64 key>")]
    public string? PreviousSigningKeys { get; set; }
}

public sealed class DeliveryOptions
{
    /// <summary>Timeout of one POST to the LMS.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this long without a 200 from the LMS, delivery of a result is given up (and logged).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Deliveries running at once in one instance.</summary>
    public int Concurrency { get; set; } = 8;
}

public sealed class SweepOptions
{
    /// <summary>Period of the sweep when running standalone (under the Functions host the timer schedule rules).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Period of the queues' history for the dashboard's charts when running standalone, first written one period
    /// after start (under the Functions host its timer writes it once a minute).
    /// </summary>
    public TimeSpan HistoryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
