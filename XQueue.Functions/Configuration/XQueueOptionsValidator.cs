using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Configuration;

/// <summary>Every option checked at start-up; each message names the configuration key it is about.</summary>
public sealed partial class XQueueOptionsValidator : IValidateOptions<XQueueOptions>
{
    static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    public ValidateOptionsResult Validate(string? name, XQueueOptions options)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }
        void Between(TimeSpan value, TimeSpan min, TimeSpan max, string key) =>
            Check(value >= min && value <= max, $"XQueue:{key} must be between {min} and {max} (got {value}).");

        if (!string.IsNullOrWhiteSpace(options.QueuesJson) && !QueuesJson.TryParse(options.QueuesJson, out _, out var jsonError))
        {
            errors.Add(jsonError!);
        }
        Check(options.Queues.Count > 0, "XQueue:Queues must declare at least one queue, e.g. XQueue:Queues:test-pull:PushUrl= (empty for a pull queue).");
        foreach (var (queue, settings) in options.Queues)
        {
            Check(queue.Length is > 0 and <= 128 && !queue.Any(char.IsControl),
                $"XQueue:Queues:{queue} is not a valid queue name (1-128 characters, no control characters).");
            if (settings.IsPush)
            {
                Check(Uri.TryCreate(settings.PushUrl, UriKind.Absolute, out var push) && push.Scheme is "http" or "https",
                    $"XQueue:Queues:{queue}:PushUrl must be an absolute http(s) URL.");
            }
            if (settings.ProcessingDelay is { } delay) Between(delay, TimeSpan.FromSeconds(1), MaxVisibility, $"Queues:{queue}:ProcessingDelay");
        }

        Between(options.ProcessingDelay, TimeSpan.FromSeconds(1), MaxVisibility, "ProcessingDelay");
        Check(options.MaxFailures is >= 0 and <= 100, $"XQueue:MaxFailures must be between 0 and 100 (got {options.MaxFailures}).");
        Check(options.QueueWindow is >= 10 and <= 10_000, $"XQueue:QueueWindow must be between 10 and 10000 (got {options.QueueWindow}).");
        CheckStoragePrefix(options.StoragePrefix, Check);
        Between(options.Retention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650), "Retention");
        // A user delegation key (Entra ID) lives at most 7 days; leave room for its clock-skew margin.
        Between(options.FileUrlLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(6), "FileUrlLifetime");

        foreach (var (user, seed) in options.Users)
        {
            Check(UserNamePattern().IsMatch(user), $"XQueue:Users:{user} is not a valid user name (1-128 letters, digits, and . _ @ + -).");
            Check(!string.IsNullOrEmpty(seed.Password), $"XQueue:Users:{user}:Password must be set.");
            Check(!IsUnresolvedReference(seed.Password), $"XQueue:Users:{user}:Password is an unresolved Key Vault reference (set the secret, then refresh the app's references).");
            foreach (var role in Roles.Parse(seed.Roles))
            {
                Check(Roles.All.Contains(role), $"XQueue:Users:{user}:Roles has unknown role '{role}' (allowed: {string.Join(", ", Roles.All)}).");
            }
        }

        Between(options.Sessions.Lifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(90), "Sessions:Lifetime");
        Check(!IsUnresolvedReference(options.Sessions.SigningKey),
            "XQueue:Sessions:SigningKey is an unresolved Key Vault reference (set the secret, then refresh the app's references).");
        if (!string.IsNullOrEmpty(options.Sessions.SigningKey) && !IsUnresolvedReference(options.Sessions.SigningKey))
        {
            var key = TryBase64(options.Sessions.SigningKey);
            Check(key is { Length: >= 32 }, "XQueue:Sessions:SigningKey must be base64 of at least 32 bytes.");
        }

        AuthOptionsChecks.Check(options, Check);

        var delivery = options.Delivery;
        Between(delivery.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Delivery:Timeout");
        Between(delivery.RetryBase, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), "Delivery:RetryBase");
        Between(delivery.RetryMax, delivery.RetryBase, MaxVisibility, "Delivery:RetryMax");
        Between(delivery.GiveUpAfter, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), "Delivery:GiveUpAfter");
        Check(delivery.Concurrency is >= 1 and <= 256, $"XQueue:Delivery:Concurrency must be between 1 and 256 (got {delivery.Concurrency}).");
        Between(options.Sweep.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), "Sweep:Interval");
        Between(options.Sweep.HistoryInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "Sweep:HistoryInterval");
        options.Dashboard.Validate(options, errors);
        options.LongPoll.Validate(options, errors);
        LeaseLimit.Validate(options, errors);
        options.Metrics.Validate(options, errors);
        options.ScoreEvents.Validate(options, errors);
        options.Push.Validate(options, errors);
        options.Storage.Validate(errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>XQueue:StoragePrefix alone: what the app checks at start-up and the <c>user</c> commands check.</summary>
    public static void CheckStoragePrefix(string prefix, Action<bool, string> check) =>
        check(StoragePrefixPattern().IsMatch(prefix), "XQueue:StoragePrefix must be empty or 1-16 lowercase letters and digits starting with a letter.");

    // App Service passes a Key Vault reference it could not resolve through as its own text; taken as a
    // password it would become one.
    public static bool IsUnresolvedReference(string? value) =>
        value is not null && value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    static byte[]? TryBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : null;
    }

    [GeneratedRegex("^([a-z][a-z0-9]{0,15})?$")]
    private static partial Regex StoragePrefixPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._@+\-]{1,128}$")]
    private static partial Regex UserNamePattern();
}
