using System.Net;
using System.Text;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>
/// Hostile and broken legacy requests (design invariant 7, reference §14): each gets a clean legacy
/// error, never a 500, and the queue's other submissions are untouched.
/// </summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    const string InvalidSubmit = "{\"return_code\": 1, \"content\": \"Queue request has invalid format\"}";
    const string InvalidReply = "{\"return_code\": 1, \"content\": \"Incorrect reply format\"}";
    static readonly string GoodHeader = LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue);

    TestService service = null!;
    RawClient client = null!;

    public async Task InitializeAsync()
    {
        service = await TestService.StartAsync(BothSides.Settings());
        client = await RawClient.LoginAsync(service);
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"1\"}"),
            await client.PostFormAsync("/xqueue/submit/", ("xqueue_header", GoodHeader), ("xqueue_body", "keep me")));
    }

    public async Task DisposeAsync()
    {
        // The submission made before the hostile request is still there, whole.
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": 1}"), await client.GetAsync("/xqueue/get_queuelen/?queue_name=test-pull"));
        var (_, pulled) = await client.GetAsync("/xqueue/get_submission/?queue_name=test-pull");
        Assert.Contains("keep me", pulled);
        client.Dispose();
        await service.DisposeAsync();
    }

    static string Header(string callbackJson, string queueJson = "\"test-pull\"") =>
        $"{{\"lms_callback_url\": {callbackJson}, \"lms_key\": \"k\", \"queue_name\": {queueJson}}}";

    public static TheoryData<string, string, string> BadSubmitForms => new()
    {
        { "no header", "", "x" },
        { "header not JSON", "{not json", "x" },
        { "header a JSON list", "[1, 2]", "x" },
        { "header a JSON string", "\"text\"", "x" },
        { "header without lms_key", "{\"lms_callback_url\": \"http://a/b\", \"queue_name\": \"test-pull\"}", "x" },
        { "callback url null", Header("null"), "x" },
        { "callback url a number", Header("5"), "x" },
        { "callback url a list", Header("[\"http://a/b\"]"), "x" },
        { "callback url an object", Header("{\"u\": 1}"), "x" },
        { "callback url not a URL", Header("\"not a url\""), "x" },
        { "callback url not http", Header("\"ftp://lms.example/x\""), "x" },
        { "callback url relative", Header("\"/courses/x\""), "x" },
        { "header over the limit", Header("\"http://a/" + new string('p', 17_000) + "\""), "x" },
    };

    [Theory]
    [MemberData(nameof(BadSubmitForms))]
    public async Task Submit_with_a_bad_header_is_refused(string _, string header, string body)
    {
        var fields = header.Length == 0 ? new[] { ("xqueue_body", body) } : new[] { ("xqueue_header", header), ("xqueue_body", body) };
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostFormAsync("/xqueue/submit/", fields));
    }

    [Theory]
    [InlineData("5", "Queue '5' not found")]
    [InlineData("null", "Queue 'None' not found")]
    [InlineData("true", "Queue 'True' not found")]
    [InlineData("\"<b>x</b>\"", "Queue '<b>x</b>' not found")]
    public async Task Submit_with_a_queue_name_that_is_not_a_declared_string_names_it_as_Python_would(string queueJson, string message) =>
        Assert.Equal((HttpStatusCode.OK, $"{{\"return_code\": 1, \"content\": \"{message}\"}}"),
            await client.PostFormAsync("/xqueue/submit/", ("xqueue_header", Header("\"http://a/b\"", queueJson)), ("xqueue_body", "x")));

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b.py")]
    [InlineData("a\\b.py")]
    [InlineData("..")]
    [InlineData("tab\there")]
    public async Task Submit_with_a_path_like_file_name_is_refused(string name)
    {
        var form = new MultipartFormDataContent { { new StringContent(GoodHeader), "xqueue_header" }, { new StringContent("x"), "xqueue_body" } };
        var file = new ByteArrayContent([1]);
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{name.Replace("\\", "\\\\")}\"; filename=\"f\"");
        form.Add(file);
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostAsync("/xqueue/submit/", form));
    }

    [Fact]
    public async Task Submit_with_a_file_name_over_255_characters_is_refused_not_dropped()
    {
        var form = new MultipartFormDataContent { { new StringContent(GoodHeader), "xqueue_header" }, { new StringContent("x"), "xqueue_body" }, { new ByteArrayContent([1]), new string('f', 1000), "f" } };
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostAsync("/xqueue/submit/", form));
    }

    [Fact]
    public async Task Submit_with_two_files_of_the_same_name_is_refused()
    {
        var form = new MultipartFormDataContent { { new StringContent(GoodHeader), "xqueue_header" }, { new StringContent("x"), "xqueue_body" } };
        form.Add(new ByteArrayContent([1]), "a.py", "a.py");
        form.Add(new ByteArrayContent([2]), "a.py", "a.py");
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostAsync("/xqueue/submit/", form));
    }

    [Fact]
    public async Task Submit_with_more_files_than_the_limit_is_refused()
    {
        var form = new MultipartFormDataContent { { new StringContent(GoodHeader), "xqueue_header" }, { new StringContent("x"), "xqueue_body" } };
        for (var i = 0; i < 51; i++) form.Add(new ByteArrayContent([1]), $"f{i}.py", $"f{i}.py");
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostAsync("/xqueue/submit/", form));
    }

    [Theory]
    [InlineData("application/json", "{\"xqueue_header\": \"x\"}")]
    [InlineData("multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"xqueue_header\"\r\n\r\nunterminated")]
    [InlineData("multipart/form-data", "no boundary at all")]
    [InlineData("application/x-www-form-urlencoded", "xqueue_header=%ZZ%&xqueue_body")]
    public async Task Submit_with_a_body_that_is_not_a_proper_form_is_refused(string contentType, string body) =>
        Assert.Equal((HttpStatusCode.OK, InvalidSubmit), await client.PostBytesAsync("/xqueue/submit/", Encoding.UTF8.GetBytes(body), contentType));

    [Fact]
    public async Task Submit_larger_than_the_request_limit_is_refused_cleanly()
    {
        var huge = new ByteArrayContent(new byte[49 * 1024 * 1024]);
        var form = new MultipartFormDataContent { { new StringContent(GoodHeader), "xqueue_header" }, { new StringContent("x"), "xqueue_body" }, { huge, "big.bin", "big.bin" } };
        // Expect: 100-continue, as a well-behaved uploader sends it: the refusal comes before the 49 MiB.
        var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/submit/") { Content = form };
        request.Headers.ExpectContinue = true;
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, InvalidSubmit), await client.SendAsync(request));
    }

    public static TheoryData<string, string> BadReplyHeaders => new()
    {
        { "not JSON", "{nope" },
        { "a JSON list", "[1]" },
        { "no submission_key", "{\"submission_id\": 1}" },
        { "no submission_id", "{\"submission_key\": \"k\"}" },
        { "id not an integer", "{\"submission_id\": \"abc\", \"submission_key\": \"k\"}" },
        { "id a decimal string", "{\"submission_id\": \"1.5\", \"submission_key\": \"k\"}" },
        { "id a list", "{\"submission_id\": [1], \"submission_key\": \"k\"}" },
        { "id null", "{\"submission_id\": null, \"submission_key\": \"k\"}" },
        { "header over the limit", "{\"submission_id\": 1, \"submission_key\": \"" + new string('k', 17_000) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(BadReplyHeaders))]
    public async Task Put_result_with_a_bad_header_is_refused(string _, string header) =>
        Assert.Equal((HttpStatusCode.OK, InvalidReply), await client.PostFormAsync("/xqueue/put_result/", ("xqueue_header", header), ("xqueue_body", "{}")));

    [Theory]
    [InlineData("{\"submission_id\": 99999999999999999999999, \"submission_key\": \"k\"}")]
    [InlineData("{\"submission_id\": -5, \"submission_key\": \"k\"}")]
    [InlineData("{\"submission_id\": 1e300, \"submission_key\": \"k\"}")]
    [InlineData("{\"submission_id\": \"9007199254740993\", \"submission_key\": 12}")]
    public async Task Put_result_for_an_id_that_cannot_exist_says_so(string header) =>
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 1, \"content\": \"Submission does not exist\"}"),
            await client.PostFormAsync("/xqueue/put_result/", ("xqueue_header", header), ("xqueue_body", "{}")));

    [Fact]
    public async Task Put_result_without_a_form_body_is_refused() =>
        Assert.Equal((HttpStatusCode.OK, InvalidReply), await client.PostBytesAsync("/xqueue/put_result/", "{}"u8.ToArray(), "application/json"));

    [Theory]
    [InlineData("", "Queue '' not found")]
    [InlineData("test-pull%00", "Queue 'test-pull\\u0000' not found")]
    public async Task Get_submission_for_odd_queue_names_is_refused(string query, string message) =>
        Assert.Equal((HttpStatusCode.OK, $"{{\"return_code\": 1, \"content\": \"{message}\"}}"), await client.GetAsync("/xqueue/get_submission/?queue_name=" + query));

    [Fact]
    public async Task Login_with_a_password_but_no_username_is_refused_instead_of_crashing()
    {
        using var anonymous = RawClient.Anonymous(service);
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 1, \"content\": \"Insufficient login info\"}"),
            await anonymous.PostFormAsync("/xqueue/login/", ("password", "x")));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 1, \"content\": \"Incorrect login credentials\"}"),
            await anonymous.PostFormAsync("/xqueue/login/", ("username", "a/b?#\u0001"), ("password", "x")));
    }
}
