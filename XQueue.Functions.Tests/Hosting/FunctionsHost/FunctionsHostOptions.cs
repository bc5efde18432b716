namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>Knobs of <see cref="FunctionsHostFake"/>; the defaults suit a CI machine.</summary>
public sealed record FunctionsHostOptions
{
    /// <summary>
    /// From starting the process to the last function loaded. Flex Consumption gives an app 30 s to
    /// initialize; the default leaves room for a slow, shared CI machine, so assert on
    /// <see cref="FunctionsHostFake.InitToLoaded"/> for the budget.
    /// </summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an invocation (and its forwarded HTTP request) may take before the fixture gives up.</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the worker may take to stop after WorkerTerminate before it is killed.</summary>
    public TimeSpan TerminateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where clients reach the app; a relative request URI is resolved against it, and its scheme and
    /// authority become X-Forwarded-Proto and X-Forwarded-Host. The default is what Core Tools serves locally.
    /// </summary>
    public Uri PublicBaseAddress { get; init; } = new("http://localhost:7071/");

    /// <summary>
    /// The client address the host puts in X-Forwarded-For when an HTTP invocation names none (see
    /// <see cref="FunctionsHostFake.InvokeHttpAsync"/>); the worker's forwarded-headers middleware makes it the
    /// request's RemoteIpAddress.
    /// </summary>
    public string ClientAddress { get; init; } = "127.0.0.1";

    /// <summary>Sent as <c>WorkerInitRequest.host_version</c>.</summary>
    public string HostVersion { get; init; } = "4.1045.200.0";
}
