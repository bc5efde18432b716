using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The published app in its own process, standalone as an operator runs it: settings as environment variables,
/// stdout and stderr captured. (Started by the Functions host, see <c>Hosting/FunctionsHost</c>.)
/// </summary>
public sealed class HandlerProcess : IDisposable
{
    readonly Process process;

    HandlerProcess(Process process, int port)
    {
        this.process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }
    public ConcurrentQueue<string> Stdout { get; } = new();
    public ConcurrentQueue<string> Stderr { get; } = new();

    /// <summary>
    /// The executable run standalone, as an operator runs it: Kestrel on <c>--urls http://127.0.0.1:port</c>,
    /// no Functions host (so the app runs its own sweep), settings as environment variables, more
    /// <paramref name="arguments"/> after <c>--urls</c>. It runs in its own folder unless <paramref name="workingDirectory"/>
    /// names another (an operator may start it from anywhere).
    /// </summary>
    public static HandlerProcess StartStandalone(string executable, IReadOnlyDictionary<string, string> settings, int port,
        string? workingDirectory = null, params string[] arguments)
    {
        var info = Redirected(executable, workingDirectory);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in settings) info.Environment[key] = value;

        return Launch(info, port);
    }

    static ProcessStartInfo Redirected(string executable, string? workingDirectory = null) => new(executable)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(executable)!,
    };

    static HandlerProcess Launch(ProcessStartInfo info, int port)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
        var handler = new HandlerProcess(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) handler.Stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) handler.Stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handler;
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreeLoopbackPort() => FreePort();

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>kill -9: SIGKILL to the app, no shutdown code runs; returns once the process is gone.</summary>
    public void KillHard()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        process.WaitForExit(10_000);
    }

    /// <summary>
    /// SIGTERM, as a platform stops an app, and waits for the exit: the app shuts down in order, so everything
    /// it logged is on stdout when this returns.
    /// </summary>
    public void Stop()
    {
        if (!process.HasExited && Terminate(process.Id, Sigterm) != 0) throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed.");
        if (!process.WaitForExit(30_000)) throw new TimeoutException("The app did not stop within 30 s of SIGTERM.");
        process.WaitForExit(); // lets the output readers drain
    }

    const int Sigterm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Terminate(int pid, int signal);

    /// <summary>Polls like the host's readiness check (every 25 ms) until any answer; returns the time it took.</summary>
    public async Task<TimeSpan> WaitUntilAnsweringAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout }; // a first start that creates the storage may answer slowly
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // lets the output readers drain
                var output = string.Join('\n', Stderr.Concat(Stdout.TakeLast(5)));
                throw new InvalidOperationException($"The handler exited with {process.ExitCode}:\n{output}");
            }
            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The handler did not answer {path} within {timeout}.");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(5000);
        process.Dispose();
    }
}
