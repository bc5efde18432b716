using System.Diagnostics;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// Invocations. Each sends one <c>InvocationRequest</c> with a fresh invocation id and waits for the
/// <c>InvocationResponse</c> with that id; a function that failed to load fails at once with its load
/// error, as on the host, and one that does not answer in time is cancelled (InvocationCancel, to a worker
/// that handles it) and reported with the worker's output.
/// </summary>
public sealed partial class FunctionsHostFake
{
    /// <summary>
    /// An HTTP request through the host's proxy: <paramref name="request"/> as a client sends it to the app
    /// (a relative URI is resolved against <see cref="FunctionsHostOptions.PublicBaseAddress"/>; the path
    /// includes the route prefix). The fixture checks that the host would route it to
    /// <paramref name="functionName"/>, starts forwarding it to the worker's HttpUri with x-ms-invocation-id and
    /// then sends the InvocationRequest, the order the host uses. <paramref name="clientAddress"/> is the
    /// caller's address for X-Forwarded-For; X-Forwarded-* headers on the request are replaced, as the host's
    /// proxy replaces them. Needs a worker with ASP.NET Core integration (ConfigureFunctionsWebApplication).
    /// When the function throws, the worker still answers the forwarded request (with the .NET worker 2.52:
    /// 200 and an empty body) and reports the exception in the InvocationResponse, so assert on both.
    /// </summary>
    public async Task<HttpInvocationResult> InvokeHttpAsync(string functionName, HttpRequestMessage request, string? clientAddress = null,
        CancellationToken cancellationToken = default)
    {
        var (function, trigger) = Find(functionName, "httpTrigger");
        if (toWorker is null || WorkerHttpUri is null)
            throw new NotSupportedException("The worker reported no HttpUri capability, so the host would send the request inside the InvocationRequest (RpcHttp); the fixture only proxies, as for ASP.NET Core integration.");
        var publicUri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : new Uri(options.PublicBaseAddress, request.RequestUri?.OriginalString ?? "/");
        var routeValues = HttpForwarding.Route(function, trigger, RoutePrefix, request.Method, publicUri);
        var invocationId = Guid.NewGuid().ToString();
        var invocation = TriggerInputs.Http(function, trigger, invocationId, routeValues, publicUri, request);
        // Not disposed here: its content is the caller's request content.
        var forwarded = HttpForwarding.Forward(request, publicUri, WorkerHttpUri, invocationId, clientAddress ?? options.ClientAddress);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.InvocationTimeout);
        var forwarding = SendAndBufferAsync(forwarded, deadline.Token);
        var invoking = InvokeAsync(function, invocation, cancellationToken);
        try
        {
            await Task.WhenAll(forwarding, invoking);
        }
        catch
        {
            // Both are looked at below, so that neither failure goes unobserved.
        }
        if (!invoking.IsCompletedSuccessfully)
        {
            if (forwarding.IsCompletedSuccessfully) forwarding.Result.Dispose();
            await invoking;
        }
        if (!forwarding.IsCompletedSuccessfully)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var what = $"{request.Method} {publicUri.PathAndQuery} forwarded to the worker at {WorkerHttpUri}";
            var details = $"\n{invoking.Result}" + Diagnostics(process, stream);
            if (forwarding.Exception?.InnerException is { } reason and not OperationCanceledException)
                throw new InvalidOperationException($"{what} failed: {reason.Message}{details}", reason);
            throw new TimeoutException($"{what} got no answer within {options.InvocationTimeout}{details}");
        }
        return new HttpInvocationResult(forwarding.Result, invoking.Result);
    }

    /// <summary>
    /// A timer firing: TimerInfo with <paramref name="isPastDue"/> and a schedule status whose Last is
    /// <paramref name="last"/> (default: now, to the minute) and Next <paramref name="next"/> (default: a minute
    /// later; not computed from the schedule).
    /// </summary>
    public Task<InvocationResult> InvokeTimerAsync(string functionName, bool isPastDue = false, DateTimeOffset? last = null, DateTimeOffset? next = null,
        CancellationToken cancellationToken = default)
    {
        var (function, trigger) = Find(functionName, "timerTrigger");
        var now = DateTimeOffset.UtcNow;
        var lastRun = last ?? new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return InvokeAsync(function, TriggerInputs.Timer(function, trigger, Guid.NewGuid().ToString(), isPastDue, lastRun, next ?? lastRun.AddMinutes(1)), cancellationToken);
    }

    /// <summary>A queue message delivered to a queue-triggered function: its decoded text, fresh id and pop receipt.</summary>
    public Task<InvocationResult> InvokeQueueAsync(string functionName, string messageText, long dequeueCount = 1, CancellationToken cancellationToken = default) =>
        InvokeQueueAsync(functionName, QueueMessageFacts.Dequeued(messageText, dequeueCount), cancellationToken);

    /// <summary>A queue message with every fact chosen by the test (id, pop receipt, times).</summary>
    public Task<InvocationResult> InvokeQueueAsync(string functionName, QueueMessageFacts message, CancellationToken cancellationToken = default)
    {
        var (function, trigger) = Find(functionName, "queueTrigger");
        return InvokeAsync(function, TriggerInputs.Queue(function, trigger, Guid.NewGuid().ToString(), message), cancellationToken);
    }

    (LoadedFunction Function, FunctionBinding Trigger) Find(string functionName, string triggerType)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        // The host treats function names without regard to case.
        var function = Functions.FirstOrDefault(f => string.Equals(f.Name, functionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"The worker reported no function {functionName}; it has {string.Join(", ", Functions.Select(f => f.Name))}.", nameof(functionName));
        if (function.LoadError is not null) throw new InvalidOperationException($"{function.Name} failed to load: {function.LoadError}");
        var trigger = function.Trigger;
        if (trigger is null || !string.Equals(trigger.Type, triggerType, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{function.Name} is triggered by {trigger?.Type ?? "nothing"}, not {triggerType}.", nameof(functionName));
        return (function, trigger);
    }

    async Task<InvocationResult> InvokeAsync(LoadedFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.InvocationTimeout);
        var clock = Stopwatch.StartNew();
        var reply = stream.RequestAsync(new StreamingMessage { InvocationRequest = request }, WorkerStream.InvocationKey(request.InvocationId), deadline.Token);
        try
        {
            var answer = await Answer(reply, $"the InvocationResponse for {function.Name}", options.InvocationTimeout, process, stream, cancellationToken);
            return InvocationResult.From(function.Name, answer.InvocationResponse, stream.Logs, clock.Elapsed);
        }
        catch (TimeoutException) when (WorkerCapabilities.ContainsKey("HandlesInvocationCancelMessage"))
        {
            stream.Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            throw;
        }
    }

    async Task<HttpResponseMessage> SendAndBufferAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await toWorker!.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
