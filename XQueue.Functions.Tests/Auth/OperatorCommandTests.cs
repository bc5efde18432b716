using System.Net;
using XQueue.Functions.Auth;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>The operator commands: <c>token issue</c> and <c>user add/set-password/remove</c>, run as the app runs them.</summary>
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

    [Fact]
    public async Task An_issued_grader_token_grades_exactly_its_queues()
    {
        await using var service = await TestService.StartAsync(TestTokens.Settings(new() { ["XQueue:Queues:other:PushUrl"] = "" }));
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["issue", "--sub", "grader-1", "--scope", "xqueue:score", "--queues", TestService.Queue, "--ttl", "30d", .. await ConfigurationAsync(service.Prefix)];
        Assert.Equal(0, TokenCommand.Run(args, output, error));

        using var grader = RawClient.WithToken(service, output.ToString().Trim());
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
        var error = new StringWriter();
        Assert.Equal(2, TokenCommand.Run([.. command.Split(' '), .. await ConfigurationAsync("cmd")], new StringWriter(), error));
        Assert.StartsWith("usage:", error.ToString());
    }

    [Fact]
    public async Task Users_added_by_command_log_in_change_password_and_are_removed()
    {
        await using var service = await TestService.StartAsync();
        var configuration = await ConfigurationAsync(service.Prefix);
        async Task<int> RunAsync(string command, string input = "") =>
            await UserCommand.RunAsync([.. command.Split(' '), .. configuration], new StringReader(input), new StringWriter(), new StringWriter());

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
