using Azure.Core;
using XQueue.Functions.Tests.Storage;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// Fails chosen storage writes, as a crash between two writes would leave them: added per call (before
/// Azure.Core's retries), so the failure is final for that operation. Reads always pass.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    int writesSeen;

    /// <summary>Fail the write with this 1-based index counted from <see cref="Arm"/>; 0 = off.</summary>
    public int FailWrite { get; private set; }

    public List<string> Writes { get; } = [];

    (string Method, string PathPart, string[] BodyParts)? target;

    /// <summary>How many writes <see cref="ArmFor"/> has failed.</summary>
    public int TargetedFailures { get; private set; }

    /// <summary>
    /// Fail the next write with this method whose path contains <paramref name="pathPart"/> (and whose body contains
    /// each of <paramref name="bodyParts"/>, for a table transaction, whose path names no table), once.
    /// </summary>
    public void ArmFor(string method, string pathPart, params string[] bodyParts)
    {
        lock (Writes) target = (method, pathPart, bodyParts);
    }

    /// <summary>Puts this policy in the app's storage pipeline (see <see cref="StoragePipeline"/>).</summary>
    public void AddTo(IServiceCollection services) => services.AddStoragePolicy(this);

    public void Arm(int failWrite)
    {
        writesSeen = 0;
        Writes.Clear();
        FailWrite = failWrite;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

    /// <summary>Storage down: every request, read or write, fails.</summary>
    public bool FailAll { get; set; }

    /// <summary>Every write whose path contains this fails (a table an instance cannot write to); null = off.</summary>
    public string? FailWritesTo { get; set; }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (FailAll)
        {
            message.Response = new CannedResponse(503);
            return;
        }
        var method = message.Request.Method;
        if (FailWritesTo is { } refused && method != RequestMethod.Get && method != RequestMethod.Head
            && message.Request.Uri.Path.Contains(refused, StringComparison.Ordinal))
        {
            message.Response = new CannedResponse(503);
            return;
        }
        lock (Writes)
        {
            if (target is { } t && method.Method == t.Method && message.Request.Uri.Path.Contains(t.PathPart, StringComparison.Ordinal)
                && (t.BodyParts.Length == 0 || t.BodyParts.All(Body(message).Contains)))
            {
                target = null;
                TargetedFailures++;
                message.Response = new CannedResponse(500);
                return;
            }
        }
        if (FailWrite > 0 && method != RequestMethod.Get && method != RequestMethod.Head)
        {
            lock (Writes)
            {
                Writes.Add($"{method} {message.Request.Uri.Path}");
                if (++writesSeen == FailWrite)
                {
                    message.Response = new CannedResponse(500);
                    return;
                }
            }
        }
        await ProcessNextAsync(message, pipeline);
    }

    static string Body(HttpMessage message)
    {
        if (message.Request.Content is null) return "";
        using var buffer = new MemoryStream();
        message.Request.Content.WriteTo(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
