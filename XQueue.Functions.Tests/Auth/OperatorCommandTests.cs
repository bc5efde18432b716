using System.Diagnostics;
using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>
/// The operator commands: <c>token issue</c> and <c>user add/set-password/remove</c>, run through the app's entry
/// as an operator runs them, each with only the settings it uses.
/// </summary>
public sealed class OperatorCommandTests
{
    static async Task<string[]> ConfigurationAsync(string prefix) =>
    [
        $"--AzureWebJobsStorage={(await Azurite.Shared).ConnectionString}",
        $"--XQueue:StoragePrefix={prefix}",
        $"--XQueue:Queues:{TestService.Queue}:PushUrl=",
        $"--XQueue:Queues:other:PushUrl=",
        $"--XQueue:Jwt:SigningKeys={TestTokens.HsKey}",
    ];

    /// <summary>What the user commands use, and nothing else: no queue, no JWT setting.</summary>
    static async Task<string[]> StorageOnlyAsync(string prefix) =>
    [
        $"--AzureWebJobsStorage={(await Azurite.Shared).ConnectionString}",
        $"--XQueue:StoragePrefix={prefix}",
    ];

    [Fact]
    public async Task An_issued_grader_token_grades_exactly_its_queues()
    {
        await using var service = await TestService.StartAsync(TestTokens.Settings(new() { ["XQueue:Queues:other:PushUrl"] = "" }));
        var run = await ProgramRun.RunAsync(["token", "issue", "--sub", "grader-1", "--scope", "xqueue:score", "--queues", TestService.Queue, "--ttl", "30d",
            .. await ConfigurationAsync(service.Prefix)]);
        Assert.Equal(0, run.ExitCode);

        using var grader = RawClient.WithToken(service, run.Output.Trim());
        Assert.Equal(HttpStatusCode.OK, (await grader.GetAsync($"/xqueue/get_submission/?queue_name={TestService.Queue}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await grader.GetAsync("/xqueue/get_submission/?queue_name=other")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await grader.PostFormAsync("/xqueue/submit/", ("xqueue_header", "{}"), ("xqueue_body", "{}"))).Status);
    }

    [Theory]
    [InlineData("issue --scope xqueue:score")]
    [InlineData("issue --sub g --scope xqueue:everything")]
    [InlineData("issue --sub g --scope xqueue:score --ttl 400d")]
    [InlineData("revoke --sub g --scope xqueue:score")]
    public async Task Bad_token_requests_print_the_usage_and_exit_2(string command)
    {
        var run = await ProgramRun.RunAsync(["token", .. command.Split(' '), .. await ConfigurationAsync("cmd")]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("usage:", run.Error);
    }

    [Fact]
    public async Task Token_issue_needs_only_the_signing_key()
    {
        var run = await ProgramRun.RunAsync(["token", "issue", "--sub", "g", "--scope", "xqueue:score", "--ttl", "15m", $"--XQueue:Jwt:SigningKeys={TestTokens.HsKey}"]);
        Assert.True(run.ExitCode == 0, run.Error);
        var token = new JsonWebToken(run.Output.Trim());
        Assert.Equal("g", token.Subject);
        Assert.Equal("xqueue:score", token.GetClaim("scope").Value);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Token_issue_refuses_a_queue_that_is_not_declared()
    {
        string[] settings = [$"--XQueue:Jwt:SigningKeys={TestTokens.HsKey}", "--XQueue:Queues:test-pull:PushUrl=", "--XQueue:QueuesJson={\"MITx-6.00x\": {}}"];
        async Task<ProgramRun> IssueAsync(string queues) =>
            await ProgramRun.RunAsync(["token", "issue", "--sub", "g", "--scope", "xqueue:score", "--queues", queues, .. settings]);

        Assert.Equal(0, (await IssueAsync("test-pull,MITx-6.00x")).ExitCode);
        var typo = await IssueAsync("test-pull,MITx-6.00");
        Assert.Equal(2, typo.ExitCode);
        Assert.Equal("--queues names 'MITx-6.00', which is not a declared queue (declared: MITx-6.00x, test-pull).", typo.Error.Trim());
        Assert.Empty(typo.Output);

        // Without the queue settings there is nothing to check against: refused too, saying so.
        var nothingDeclared = await ProgramRun.RunAsync(["token", "issue", "--sub", "g", "--scope", "xqueue:score", "--queues", "test-pull", settings[0]]);
        Assert.Equal(2, nothingDeclared.ExitCode);
        Assert.Contains("no queue is declared", nothingDeclared.Error);
    }

    [Theory]
    [InlineData("", "XQueue:Jwt:SigningKeys must hold a key to sign with")]
    [InlineData("--XQueue:Jwt:SigningKeys=c2hvcnQ=", "XQueue:Jwt:SigningKeys must be base64 keys of at least 32 bytes each.")]
    [InlineData("--XQueue:Jwt:SigningKeys:0=c2hvcnQ=", "XQueue:Jwt:SigningKeys is one value, but it was given as a list")]
    [InlineData("--XQueue:Jwt:ClockSkew=1h", "XQueue:Jwt:ClockSkew must be a TimeSpan")]
    public async Task Token_issue_checks_the_jwt_settings_as_the_app_does(string setting, string message)
    {
        var run = await ProgramRun.RunAsync(["token", "issue", "--sub", "g", "--scope", "xqueue:score", .. setting.Length > 0 ? [setting] : Array.Empty<string>()]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("c2hvcnQ=", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task The_published_token_command_runs_from_any_folder_with_only_the_signing_key_set()
    {
        var executable = Repository.PathTo("artifacts", "app", "XQueue.Functions");
        Assert.True(File.Exists(executable), $"{executable} is missing: run ./scripts/package.sh (./scripts/test.sh does).");
        var elsewhere = Directory.CreateTempSubdirectory("xqueue-operator-");
        try
        {
            var info = new ProcessStartInfo(executable, ["token", "issue", "--sub", "g", "--scope", "xqueue:score", "--ttl", "15m"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = elsewhere.FullName,
                Environment = { ["XQueue__Jwt__SigningKeys"] = TestTokens.HsKey },
            };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(30_000), "token issue did not finish within 30 s");
            Assert.True(process.ExitCode == 0, error);
            Assert.Equal("g", new JsonWebToken((await output).Trim()).Subject);
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_user_command_names_a_bad_storage_prefix()
    {
        var run = await ProgramRun.RunAsync(["user", "remove", "nobody", .. await StorageOnlyAsync("Bad-Prefix")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("XQueue:StoragePrefix", run.Error);
    }

    [Fact]
    public async Task Users_added_by_command_log_in_change_password_and_are_removed()
    {
        await using var service = await TestService.StartAsync();
        var configuration = await StorageOnlyAsync(service.Prefix);
        async Task<int> RunAsync(string command, string input = "") =>
            (await ProgramRun.RunAsync(["user", .. command.Split(' '), .. configuration], input)).ExitCode;

        Assert.Equal(0, await RunAsync("add grader-7 --roles grade", "first-password-7\n"));
        using (var watcher = new WatcherClient(service.BaseAddress, "grader-7", "first-password-7")) Assert.True(await watcher.LoginAsync());

        Assert.Equal(0, await RunAsync("set-password grader-7", "second-password-7\n"));
        using (var watcher = new WatcherClient(service.BaseAddress, "grader-7", "first-password-7")) Assert.False(await watcher.LoginAsync());
        using (var watcher = new WatcherClient(service.BaseAddress, "grader-7", "second-password-7"))
        {
            Assert.True(await watcher.LoginAsync());
            Assert.Equal(0, (await watcher.GetQueueLenAsync(TestService.Queue))!.ReturnCode);
        }

        Assert.Equal(2, await RunAsync("add grader-8 --roles grade", "short\n"));
        Assert.Equal(0, await RunAsync("remove grader-7"));
        Assert.Equal(2, await RunAsync("remove grader-7"));
        using (var watcher = new WatcherClient(service.BaseAddress, "grader-7", "second-password-7")) Assert.False(await watcher.LoginAsync());
    }
}
