using System.Net;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Auth;

/// <summary>
/// Per-queue access: queue "guarded" lists its own submitters and graders; test-pull lists none (anyone with the
/// role or scope). Cross-queue submit, pull and put_result are refused for session users and tokens alike.
/// </summary>
public sealed class QueueAccessTests
{
    const string Open = TestService.Queue;
    const string Guarded = "guarded";
    const string Password = "second-password";

    static Dictionary<string, string?> Settings(bool permissive = false) => TestTokens.Settings(new()
    {
        [$"XQueue:Queues:{Guarded}:Submitters"] = "lms-2",
        [$"XQueue:Queues:{Guarded}:Graders"] = "grader-2, team=graders-b",
        ["XQueue:Users:lms-2:Password"] = Password,
        ["XQueue:Users:lms-2:Roles"] = "submit",
        ["XQueue:Users:grader-2:Password"] = Password,
        ["XQueue:Users:grader-2:Roles"] = "grade",
        ["XQueue:LegacyPermissive"] = permissive ? "true" : "false",
    });

    static (string, string)[] Submission(string queue, int n) =>
        [("xqueue_header", LegacyText.Header($"http://127.0.0.1:9/cb/{n}", "k", queue)), ("xqueue_body", LegacyText.Body("x = 1"))];

    static int ReturnCode(string body) => JsonDocument.Parse(body).RootElement.GetProperty("return_code").GetInt32();

    /// <summary>The xqueue_header (id and key) of a pulled submission.</summary>
    static string PulledHeader(string body)
    {
        var content = JsonDocument.Parse(body).RootElement.GetProperty("content").GetString()!;
        return JsonDocument.Parse(content).RootElement.GetProperty("xqueue_header").GetString()!;
    }

    [Fact]
    public async Task Session_users_are_held_to_their_roles_and_to_the_queue_lists()
    {
        await using var service = await TestService.StartAsync(Settings());
        using var lms = await RawClient.LoginAsync(service);
        using var lms2 = await RawClient.LoginAsync(service, "lms-2", Password);
        using var grader = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        using var grader2 = await RawClient.LoginAsync(service, "grader-2", Password);

        Assert.Equal(HttpStatusCode.Forbidden, (await lms.PostFormAsync("/xqueue/submit/", Submission(Guarded, 1))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await grader.PostFormAsync("/xqueue/submit/", Submission(Open, 2))).Status); // role grade only
        Assert.Equal(HttpStatusCode.Forbidden, (await lms.GetAsync($"/xqueue/get_submission/?queue_name={Open}")).Status); // role submit only
        var submitted = await lms2.PostFormAsync("/xqueue/submit/", Submission(Guarded, 3));
        Assert.Equal((HttpStatusCode.OK, 0), (submitted.Status, ReturnCode(submitted.Body)));
        Assert.Equal(HttpStatusCode.OK, (await lms2.PostFormAsync("/xqueue/submit/", Submission(Open, 4))).Status); // open queue

        var (refused, body) = await grader.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}");
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Not allowed on queue 'guarded'\"}", body);
        Assert.Equal(HttpStatusCode.Forbidden, (await grader.GetAsync($"/xqueue/get_queuelen/?queue_name={Guarded}")).Status);

        var pulled = await grader2.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}");
        Assert.Equal(0, ReturnCode(pulled.Body));
        var reply = ("xqueue_body", "{\"correct\": true, \"score\": 1, \"msg\": \"\"}");
        var header = ("xqueue_header", PulledHeader(pulled.Body));
        Assert.Equal(HttpStatusCode.Forbidden, (await grader.PostFormAsync("/xqueue/put_result/", header, reply)).Status);
        var accepted = await grader2.PostFormAsync("/xqueue/put_result/", header, reply);
        Assert.Equal((HttpStatusCode.OK, 0), (accepted.Status, ReturnCode(accepted.Body)));
    }

    [Fact]
    public async Task Tokens_are_held_to_their_queues_claim_and_to_the_queue_lists()
    {
        await using var service = await TestService.StartAsync(Settings());
        using var submitter = RawClient.WithToken(service, TestTokens.Hs("lms-2", "xqueue:submit"));
        using var openOnly = RawClient.WithToken(service, TestTokens.Hs("grader-2", "xqueue:score", queues: Open));
        using var unlisted = RawClient.WithToken(service, TestTokens.Hs("grader-9", "xqueue:score"));
        using var listed = RawClient.WithToken(service, TestTokens.Hs("grader-2", "xqueue:score"));

        Assert.Equal(0, ReturnCode((await submitter.PostFormAsync("/xqueue/submit/", Submission(Guarded, 1))).Body));
        using var otherSubmitter = RawClient.WithToken(service, TestTokens.Hs("lms-1", "xqueue:submit"));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherSubmitter.PostFormAsync("/xqueue/submit/", Submission(Guarded, 2))).Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await openOnly.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await unlisted.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await openOnly.GetAsync($"/xqueue/get_submission/?queue_name={Open}")).Status);

        var pulled = await listed.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}");
        Assert.Equal(0, ReturnCode(pulled.Body));
        var header = ("xqueue_header", PulledHeader(pulled.Body));
        var reply = ("xqueue_body", "{\"correct\": true, \"score\": 1, \"msg\": \"\"}");
        Assert.Equal(HttpStatusCode.Forbidden, (await openOnly.PostFormAsync("/xqueue/put_result/", header, reply)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await unlisted.PostFormAsync("/xqueue/put_result/", header, reply)).Status);
        Assert.Equal(0, ReturnCode((await listed.PostFormAsync("/xqueue/put_result/", header, reply)).Body));
    }

    [Fact]
    public async Task Legacy_permissive_mode_lets_any_session_user_do_anything_but_not_tokens()
    {
        await using var service = await TestService.StartAsync(Settings(permissive: true));
        using var grader = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        Assert.Equal(0, ReturnCode((await grader.PostFormAsync("/xqueue/submit/", Submission(Guarded, 1))).Body));
        Assert.Equal(0, ReturnCode((await grader.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}")).Body));

        using var token = RawClient.WithToken(service, TestTokens.Hs("grader-9", "xqueue:score"));
        Assert.Equal(HttpStatusCode.Forbidden, (await token.GetAsync($"/xqueue/get_submission/?queue_name={Guarded}")).Status);
    }
}
