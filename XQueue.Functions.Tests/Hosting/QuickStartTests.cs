using System.Net;
using System.Net.Sockets;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;
using Xunit.Sdk;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// README's quick start as a newcomer runs it: <c>scripts/run-local.sh</c>, with only the .NET SDK and Node (no
/// Functions Core Tools), serves the demo queue to the LMS and xqueue-watcher; Ctrl+C or SIGTERM leaves no process
/// it started running and no port taken; the next run finds the submission Azurite kept. Ports and data folder are
/// the script's overrides, so a developer's own run-local.sh can run beside the test.
/// </summary>
public sealed class QuickStartTests
{
    const string Queue = "test-pull";
    const int Sigint = 2, Sigterm = 15;

    [Fact]
    public async Task Run_local_serves_the_demo_queue_stops_on_ctrl_c_or_sigterm_leaving_nothing_and_keeps_its_data()
    {
        var data = Directory.CreateTempSubdirectory("xqueue-quick-start-");
        var first = FreePorts(4);
        var ports = new Ports(Service: first, AzuriteBlob: first + 1);
        await using var lms = await FakeLms.StartAsync();
        var waiting = LegacyText.Body("print('waits for the next run')");
        try
        {
            await RunAsync(ports, data.FullName, Sigint, 130, async service =>
            {
                await GradeAsync(service, lms, await SubmitAsync(service, lms, "graded", LegacyText.Body("print('graded')")));
                await SubmitAsync(service, lms, "waiting", waiting);
                using var watcher = Grader(service);
                Assert.Equal(1, (await watcher.GetQueueLenAsync(Queue))!.Content.GetInt32());
            });
            await RunAsync(ports, data.FullName, Sigterm, 143, async service =>
            {
                using var watcher = Grader(service);
                Assert.Equal(1, await QueueLengthAsync(watcher, expected: 1, TimeSpan.FromSeconds(90)));
                await GradeAsync(service, lms, waiting);
            });
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The script up and answering, <paramref name="steps"/> against it, then <paramref name="signal"/>: it exits with <paramref name="exitCode"/>, no process it started is left and its ports are free.</summary>
    static async Task RunAsync(Ports ports, string data, int signal, int exitCode, Func<Uri, Task> steps)
    {
        using var script = RunLocalScript.Start(ports.Service, ports.AzuriteBlob, data);
        try
        {
            await script.WaitUntilAnsweringAsync(TimeSpan.FromMinutes(4)); // a fresh CI machine compiles the app first
            await steps(script.BaseAddress);
            Assert.Equal(exitCode, await script.StopAsync(signal));
            Assert.Empty(script.Leftovers());
            Assert.DoesNotContain(ports.All, Answers);
        }
        catch (Exception e)
        {
            throw new XunitException($"{e.Message}\n--- scripts/run-local.sh, stdout and stderr ---\n{script.Output}", e);
        }
    }

    /// <summary>The LMS's submit, with a callback to <paramref name="lms"/>; returns the body the grader should get.</summary>
    static async Task<string> SubmitAsync(Uri service, FakeLms lms, string block, string body)
    {
        using var client = new LmsClient(service, "lms", "lms-demo-password");
        var (code, message) = await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(1, block), block, Queue), body);
        Assert.True(code == 0, $"submit: {message}");
        return body;
    }

    /// <summary>xqueue-watcher's round: pulls the next submission (the one with <paramref name="body"/>), answers it, and the LMS gets the answer.</summary>
    static async Task GradeAsync(Uri service, FakeLms lms, string body)
    {
        using var watcher = Grader(service);
        var pull = await Pull.NextAsync(watcher, Queue);
        Assert.Equal(body, pull?.Body);
        var result = Pull.Result(true, 1, $"graded {pull!.Id}");
        Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, result))!.ReturnCode);
        Assert.NotNull(await lms.WaitForAsync(callback => callback.Body == result, TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// get_queuelen until it is <paramref name="expected"/> or <paramref name="timeout"/> has passed. The count leaves
    /// out the holds instances publish; a stop right after a delivery, before the delivered hold is cleared and published,
    /// leaves it in the stopped instance's row, and the next run subtracts it until its lease runs out.
    /// </summary>
    static async Task<int> QueueLengthAsync(WatcherClient watcher, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int length;
        while ((length = (await watcher.GetQueueLenAsync(Queue))!.Content.GetInt32()) != expected && DateTime.UtcNow < deadline) await Task.Delay(250);
        return length;
    }

    static WatcherClient Grader(Uri service) => new(service, "grader", "grader-demo-password");

    sealed record Ports(int Service, int AzuriteBlob)
    {
        public int[] All => [Service, AzuriteBlob, AzuriteBlob + 1, AzuriteBlob + 2];
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive free loopback ports, below the ephemeral range so that
    /// no outgoing connection takes one between the two runs.
    /// </summary>
    static int FreePorts(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000);
            if (Enumerable.Range(first, count).All(port => !Answers(port) && CanListen(port))) return first;
        }
        throw new InvalidOperationException($"No {count} consecutive free loopback ports found.");
    }

    static bool CanListen(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
