using System.Text.Json;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>How the worker said an invocation ended (<c>StatusResult.Status</c>).</summary>
public enum InvocationStatus
{
    Failure = 0,
    Success = 1,
    Cancelled = 2,
}

/// <summary>
/// The worker's <c>InvocationResponse</c>, in test terms. <see cref="ReturnValue"/> and <see cref="Outputs"/>
/// hold the <c>TypedData</c> the worker sent, unwrapped: string, <see cref="JsonElement"/> (json), byte[]
/// (bytes, stream), long (int), double, string[] or byte[][] (collections); null when nothing was sent.
/// For an HTTP function behind ASP.NET Core integration the client's answer is the forwarded request's
/// response (see <see cref="HttpInvocationResult"/>); the return value is then only the worker's JSON of the
/// result object (an IActionResult's properties, for example), which the host does not send to the client.
/// </summary>
public sealed record InvocationResult(
    string FunctionName,
    string InvocationId,
    InvocationStatus Status,
    string? ExceptionMessage,
    string? ExceptionType,
    string? ExceptionStackTrace,
    object? ReturnValue,
    IReadOnlyDictionary<string, object?> Outputs,
    IReadOnlyList<WorkerLog> Logs,
    TimeSpan Duration)
{
    public bool Succeeded => Status == InvocationStatus.Success;

    internal static InvocationResult From(string functionName, InvocationResponse response, IEnumerable<WorkerLog> allLogs, TimeSpan duration)
    {
        var exception = response.Result?.Exception;
        return new InvocationResult(
            functionName,
            response.InvocationId,
            (InvocationStatus)(int)(response.Result?.Status ?? StatusResult.Types.Status.Failure),
            Blank(exception?.Message),
            Blank(exception?.Type),
            Blank(exception?.StackTrace),
            Unwrap(response.ReturnValue),
            response.OutputData.ToDictionary(binding => binding.Name, binding => Unwrap(binding.Data)),
            allLogs.Where(log => log.InvocationId == response.InvocationId).ToList(),
            duration);
    }

    /// <summary>One line for assertion messages: status, exception and this invocation's logs.</summary>
    public override string ToString() =>
        $"{FunctionName} {InvocationId}: {Status}" + (ExceptionMessage is null ? "" : $" ({ExceptionType}: {ExceptionMessage})") +
        string.Concat(Logs.Select(log => $"\n  {log}"));

    static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    static object? Unwrap(TypedData? data) => data?.DataCase switch
    {
        TypedData.DataOneofCase.String => data.String,
        TypedData.DataOneofCase.Json => JsonDocument.Parse(data.Json).RootElement.Clone(),
        TypedData.DataOneofCase.Bytes => data.Bytes.ToByteArray(),
        TypedData.DataOneofCase.Stream => data.Stream.ToByteArray(),
        TypedData.DataOneofCase.Int => data.Int,
        TypedData.DataOneofCase.Double => data.Double,
        TypedData.DataOneofCase.CollectionString => data.CollectionString.String.ToArray(),
        TypedData.DataOneofCase.CollectionBytes => data.CollectionBytes.Bytes.Select(b => b.ToByteArray()).ToArray(),
        TypedData.DataOneofCase.Http => "(RpcHttp)",
        _ => null,
    };
}

/// <summary>
/// An HTTP invocation: the worker's HTTP answer to the forwarded request, which is what the host streams
/// back to the client, and the <c>InvocationResponse</c> that ended the invocation. The response content is
/// buffered, so it can be read after the fixture is gone. Dispose it like an <see cref="HttpResponseMessage"/>.
/// </summary>
public sealed record HttpInvocationResult(HttpResponseMessage Response, InvocationResult Invocation) : IDisposable
{
    public void Dispose() => Response.Dispose();
}

/// <summary>
/// One <c>RpcLog</c> from the worker. <see cref="IsSystem"/> marks the worker's own logs
/// (<c>RpcLogCategory.System</c>) as opposed to logs written by function code.
/// </summary>
public sealed record WorkerLog(string? InvocationId, string Category, LogLevel Level, string Message, string? Exception, bool IsSystem)
{
    internal static WorkerLog From(RpcLog log) => new(
        string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
        log.Category,
        // RpcLog.Level mirrors Microsoft.Extensions.Logging.LogLevel value for value (Trace = 0 ... None = 6).
        (LogLevel)(int)log.Level,
        log.Message,
        log.Exception is null ? null : $"{log.Exception.Type}: {log.Exception.Message}",
        log.LogCategory == RpcLog.Types.RpcLogCategory.System);

    public override string ToString() => $"{Level} {Category}: {Message}" + (Exception is null ? "" : $" [{Exception}]");
}
