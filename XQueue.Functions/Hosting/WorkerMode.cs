namespace XQueue.Functions.Hosting;

/// <summary>
/// Whether the Functions host started this process: the host passes the worker its gRPC endpoint and ids on
/// the command line (<c>--host/--port/--workerId</c>, and in newer hosts <c>--functions-uri</c> and friends).
/// Without them the same executable serves standalone.
/// </summary>
public static class WorkerMode
{
    static readonly string[] HostArguments = ["--functions-uri", "--functions-worker-id", "--workerId", "--host"];

    public static bool IsStartedByFunctionsHost(IEnumerable<string> args) =>
        args.Any(arg => HostArguments.Any(name => arg.Equals(name, StringComparison.OrdinalIgnoreCase) ||
                                                   arg.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)));
}
