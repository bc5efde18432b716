using System.Net;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>
/// Exact reply bytes for every legacy path and every error string of reference §2, compared with what
/// the original (Python json.dumps) writes.
/// </summary>
public sealed class GoldenReplyTests
{
    static string Error(string content) => $"{{\"return_code\": 1, \"content\": \"{content}\"}}";

    [Fact]
    public async Task Session_endpoints()
    {
        await using var service = await TestService.StartAsync();
        using var anonymous = RawClient.Anonymous(service);

        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"OK\"}"), await anonymous.GetAsync("/xqueue/status/"));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"OK\"}"), await anonymous.GetAsync("/xqueue/status"));
        Assert.Equal((HttpStatusCode.OK, Error("login_required")), await anonymous.GetAsync("/xqueue/login/"));
        Assert.Equal((HttpStatusCode.OK, Error("Insufficient login info")), await anonymous.PostFormAsync("/xqueue/login/"));
        Assert.Equal((HttpStatusCode.OK, Error("Insufficient login info")), await anonymous.PostFormAsync("/xqueue/login/", ("password", "x")));
        Assert.Equal((HttpStatusCode.OK, Error("Incorrect login credentials")),
            await anonymous.PostFormAsync("/xqueue/login/", ("username", TestService.LmsUser), ("password", "nope")));
        Assert.Equal((HttpStatusCode.OK, Error("Incorrect login credentials")),
            await anonymous.PostFormAsync("/xqueue/login/", ("username", "nobody"), ("password", "nope")));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"Logged in\"}"),
            await anonymous.PostFormAsync("/xqueue/login/", ("username", TestService.LmsUser), ("password", TestService.LmsPassword)));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"Goodbye\"}"), await anonymous.GetAsync("/xqueue/logout/"));
    }

    [Fact]
    public async Task Lms_endpoints()
    {
        await using var service = await TestService.StartAsync(BothSides.Settings(new() { ["XQueue:Queues:MITx-6.00x:PushUrl"] = "" }));
        using var client = await RawClient.LoginAsync(service);
        var header = LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue);

        Assert.Equal((HttpStatusCode.OK, Error("Queue requests should use HTTP POST")), await client.GetAsync("/xqueue/submit/"));
        Assert.Equal((HttpStatusCode.OK, Error("Queue request has invalid format")), await client.PostFormAsync("/xqueue/submit/", ("xqueue_body", "{}")));
        Assert.Equal((HttpStatusCode.OK, Error("Queue 'nope' not found")),
            await client.PostFormAsync("/xqueue/submit/", ("xqueue_header", header.Replace(TestService.Queue, "nope")), ("xqueue_body", "{}")));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"1\"}"),
            await client.PostFormAsync("/xqueue/submit/", ("xqueue_header", header), ("xqueue_body", "{}")));

        Assert.Equal((HttpStatusCode.OK, Error("'get_queuelen' must provide parameter 'queue_name'")), await client.GetAsync("/xqueue/get_queuelen/"));
        Assert.Equal((HttpStatusCode.OK, Error("Valid queue names are: MITx-6.00x, test-pull")), await client.GetAsync("/xqueue/get_queuelen/?queue_name=nope"));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": 1}"), await client.GetAsync("/xqueue/get_queuelen/?queue_name=test-pull"));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": 0}"), await client.GetAsync("/xqueue/get_queuelen/?queue_name=MITx-6.00x"));
    }

    [Fact]
    public async Task Grader_endpoints()
    {
        await using var service = await TestService.StartAsync();
        using var lmsSide = await RawClient.LoginAsync(service);
        using var grader = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        var header = LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue);
        var body = "é\"\\\n😀"; // as stored: the LMS's own text, whatever it holds

        Assert.Equal((HttpStatusCode.OK, Error("'get_submission' must provide parameter 'queue_name'")), await grader.GetAsync("/xqueue/get_submission/"));
        Assert.Equal((HttpStatusCode.OK, Error("Queue 'nope' not found")), await grader.GetAsync("/xqueue/get_submission/?queue_name=nope"));
        Assert.Equal((HttpStatusCode.OK, Error("Queue 'test-pull' is empty")), await grader.GetAsync("/xqueue/get_submission/?queue_name=test-pull"));

        var file = new MultipartFormDataContent { { new StringContent(header), "xqueue_header" }, { new StringContent(body), "xqueue_body" }, { new ByteArrayContent([1, 2]), "a.py", "a.py" } };
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"1\"}"), await lmsSide.PostAsync("/xqueue/submit/", file));

        var (status, reply) = await grader.GetAsync("/xqueue/get_submission/?queue_name=test-pull");
        Assert.Equal(HttpStatusCode.OK, status);
        var pull = Pull.From(WatcherClient.Parse(reply, status));
        // What CPython prints for the same payload (ensure_ascii, JSON strings inside JSON).
        var expected = """{"return_code": 0, "content": "{\"xqueue_header\": \"{\\\"submission_id\\\": 5, \\\"submission_key\\\": \\\"k\\\"}\", \"xqueue_body\": \"\\u00e9\\\"\\\\\\n\\ud83d\\ude00\", \"xqueue_files\": \"{\\\"a.py\\\": \\\"URL\\\"}\"}"}""";
        expected = expected.Replace(": 5,", $": {pull.Id},").Replace("\"k\\", "\"" + pull.Key + "\\").Replace("URL", pull.Files["a.py"]);
        Assert.Equal(expected, reply);
        Assert.Equal(body, pull.Body);

        Assert.Equal((HttpStatusCode.OK, Error("'put_result' must use HTTP POST")), await grader.GetAsync("/xqueue/put_result/"));
        Assert.Equal((HttpStatusCode.OK, Error("Incorrect reply format")), await grader.PostFormAsync("/xqueue/put_result/", ("xqueue_body", "{}")));
        Assert.Equal((HttpStatusCode.OK, Error("Submission does not exist")),
            await grader.PostFormAsync("/xqueue/put_result/", ("xqueue_header", "{\"submission_id\": 12, \"submission_key\": \"x\"}"), ("xqueue_body", "{}")));
        Assert.Equal((HttpStatusCode.OK, Error("Incorrect key for submission")),
            await grader.PostFormAsync("/xqueue/put_result/", ("xqueue_header", $"{{\"submission_id\": {pull.Id}, \"submission_key\": \"x\"}}"), ("xqueue_body", "{}")));
        // int() semantics: the id may come as a string.
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"\"}"),
            await grader.PostFormAsync("/xqueue/put_result/", ("xqueue_header", $"{{\"submission_id\": \" {pull.Id} \", \"submission_key\": \"{pull.Key}\"}}"), ("xqueue_body", "{}")));
    }
}
