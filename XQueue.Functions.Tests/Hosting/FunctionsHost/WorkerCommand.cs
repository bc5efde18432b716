using System.Diagnostics;
using System.Text.Json;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// What the host runs for a dotnet-isolated app and how. The host reads worker.config.json in the app
/// folder (written by the Worker SDK: <c>defaultExecutablePath</c> "dotnet", <c>defaultWorkerPath</c> the
/// app's dll) and starts <c>executable [arguments] "workerPath" [workerArguments]</c> followed by the
/// connection arguments, in the app folder, with the host's environment plus the worker and app folders
/// (DefaultWorkerProcessFactory, RpcWorkerProcess, RpcWorkerContext).
/// </summary>
sealed record WorkerCommand(string Executable, IReadOnlyList<string> Arguments, string AppDirectory)
{
    const string WorkerConfigFile = "worker.config.json";

    /// <summary>
    /// <paramref name="worker"/> is the published app folder (read like the host, through worker.config.json),
    /// the app's dll (run with dotnet), or its executable (run as is).
    /// </summary>
    public static WorkerCommand For(string worker)
    {
        var path = Path.GetFullPath(worker);
        if (Directory.Exists(path)) return FromWorkerConfig(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No worker at {path}: give the published app folder, its dll or its executable.", path);
        var folder = Path.GetDirectoryName(path)!;
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new WorkerCommand(DotnetHost(), [path], folder)
            : new WorkerCommand(path, [], folder);
    }

    static WorkerCommand FromWorkerConfig(string folder)
    {
        var configPath = Path.Combine(folder, WorkerConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{folder} has no {WorkerConfigFile}; is it a published isolated-worker app?", configPath);
        using var config = JsonDocument.Parse(File.ReadAllText(configPath));
        var description = config.RootElement.GetProperty("description");
        string? Text(string name) => description.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        IEnumerable<string> List(string name) => description.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!) : [];

        var executable = Text("defaultExecutablePath") ?? throw new FormatException($"{configPath} names no defaultExecutablePath.");
        if (executable == "dotnet") executable = DotnetHost();
        else if (!Path.IsPathRooted(executable)) executable = Path.Combine(folder, executable);

        var arguments = List("arguments").ToList();
        if (Text("defaultWorkerPath") is { } workerPath) arguments.Add(Path.Combine(folder, workerPath));
        arguments.AddRange(List("workerArguments"));
        return new WorkerCommand(executable, arguments, folder);
    }

    /// <summary>
    /// The dotnet that runs the tests (the SDK passes it to child processes as DOTNET_HOST_PATH), so the
    /// worker gets the same runtimes whatever PATH says.
    /// </summary>
    static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// The start info for a worker that connects to <paramref name="hostAddress"/>. Both argument forms
    /// are passed, as the host does: the original <c>--host/--port/--workerId/--requestId/--grpcMaxMessageLength</c>
    /// and the <c>--functions-*</c> copies, which the .NET worker reads (WorkerHostBuilderExtensions maps
    /// them to Functions:Worker:HostEndpoint, WorkerId, RequestId and GrpcMaxMessageLength).
    /// </summary>
    public ProcessStartInfo StartInfo(Uri hostAddress, string workerId, string requestId, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = AppDirectory,
        };
        foreach (var argument in Arguments) info.ArgumentList.Add(argument);
        var maxMessageLength = int.MaxValue.ToString(); // RpcWorkerConstants.DefaultMaxMessageLengthBytes
        string[] connection =
        [
            "--host", hostAddress.Host, "--port", hostAddress.Port.ToString(), "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", maxMessageLength,
            "--functions-uri", hostAddress.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxMessageLength,
        ];
        foreach (var argument in connection) info.ArgumentList.Add(argument);

        // The worker inherits the host's environment, where the app settings are; the host adds the two folders.
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = AppDirectory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = AppDirectory;
        return info;
    }
}
