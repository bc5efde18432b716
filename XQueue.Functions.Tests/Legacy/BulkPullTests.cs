using System.Text;
using System.Collections.Concurrent;
using System.Net;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>get_submissions and put_results, through HTTP against Azurite.</summary>
public sealed class BulkPullTests
{
    [Fact]
    public async Task Thirty_two_pulled_at_once_and_answered_at_once_reach_the_lms_once_each()
    {
        await using var rig = await GradingRig.StartAsync();
        for (var i = 0; i < 34; i++) Assert.Equal(0, (await rig.SubmitAsync(i, "bulk", $"print({i})")).Code);
        using var grader = await GraderApi.LoginAsync(rig.Service);

        var reply = await grader.GetSubmissionsAsync(32);
        var pulls = GraderApi.Pulls(reply);
        Assert.Equal(32, pulls.Count);
        Assert.Equal(32, pulls.Select(p => p.Id).Distinct().Count());
        Assert.All(pulls, p => Assert.Matches("^[A-Za-z0-9_-]{100,300}$", p.Key)); // opaque, URL-safe: the sealed pull (PullKeys)
        Assert.All(pulls, p => Assert.Contains("print(", p.Body));
        // Each item is byte for byte what get_submission puts in its content.
        Assert.StartsWith("{\"return_code\": 0, \"content\": \"[{\\\"xqueue_header\\\": \\\"{\\\\\\\"submission_id\\\\\\\": ", reply.RawBody);
        Assert.Contains("\\\"xqueue_files\\\": \\\"{}\\\"}, {\\\"xqueue_header\\\": ", reply.RawBody);

        var put = await grader.PutResultsAsync(pulls.Select(p => (p.Header, Pull.Result(true, 1, $"graded {p.Id}."))));
        var items = GraderApi.ItemReplies(put);
        Assert.Equal(32, items.Count);
        Assert.All(items, item => Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", item));

        var delivered = await rig.Lms.WaitForAsync(32, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second delivery of any of them would show by now
        Assert.Equal(32, rig.Lms.Received.Count);
        Assert.Equal(32, delivered.Select(d => d.Header).Distinct().Count());
        Assert.All(pulls, p => Assert.Single(rig.Lms.Received, d => d.Body.Contains($"graded {p.Id}.")));

        // Fewer waiting than asked for: the two left over.
        var rest = GraderApi.Pulls(await grader.GetSubmissionsAsync(32));
        Assert.Equal(2, rest.Count);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'test-pull' is empty\"}", (await grader.GetSubmissionsAsync(5)).RawBody);
    }

    [Fact]
    public async Task Put_results_answers_each_item_as_put_result_would()
    {
        await using var rig = await GradingRig.StartAsync();
        for (var i = 0; i < 2; i++) Assert.Equal(0, (await rig.SubmitAsync(i, "mixed", $"print({i})")).Code);
        using var grader = await GraderApi.LoginAsync(rig.Service);
        var pulls = GraderApi.Pulls(await grader.GetSubmissionsAsync(2));
        Assert.Equal(2, pulls.Count);

        var wrongKey = $"{{\"submission_id\": {pulls[1].Id}, \"submission_key\": \"{new string('0', 32)}\"}}";
        var body = "[" +
            $"{{\"xqueue_header\": {Json(pulls[0].Header)}, \"xqueue_body\": {Json(Pull.Result(true, 1, "ok"))}}}, " +
            $"{{\"xqueue_header\": {Json(wrongKey)}, \"xqueue_body\": \"{{}}\"}}, " +
            "{\"xqueue_header\": {\"submission_id\": 999999999, \"submission_key\": \"x\"}, \"xqueue_body\": \"{}\"}, " +
            $"{{\"xqueue_header\": \"not json\", \"xqueue_body\": \"{{}}\"}}, " +
            $"{{\"xqueue_header\": {Json(pulls[1].Header)}}}, " +
            // the header as an object rather than a string is accepted too
            $"{{\"xqueue_header\": {pulls[1].Header}, \"xqueue_body\": {Json(Pull.Result(false, 0, "no"))}}}" +
            "]";
        var items = GraderApi.ItemReplies(await grader.PutResultsAsync(body));

        Assert.Equal(
        [
            "{\"return_code\": 0, \"content\": \"\"}",
            "{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}",
            "{\"return_code\": 1, \"content\": \"Submission does not exist\"}",
            "{\"return_code\": 1, \"content\": \"Incorrect reply format\"}",
            "{\"return_code\": 1, \"content\": \"Incorrect reply format\"}",
            "{\"return_code\": 0, \"content\": \"\"}",
        ], items);
        var delivered = await rig.Lms.WaitForAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, delivered.Count);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"xqueue_header\": \"{}\", \"xqueue_body\": \"{}\"}")]
    [InlineData("\"a string\"")]
    [InlineData("[1, 2")]
    [InlineData("")]
    public async Task A_put_results_body_that_is_not_a_list_of_replies_is_refused_whole(string body)
    {
        await using var service = await TestService.StartAsync();
        using var grader = await GraderApi.LoginAsync(service);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect reply format\"}", (await grader.PutResultsAsync(body)).RawBody);
    }

    [Fact]
    public async Task Put_results_refuses_more_than_32_items_an_oversized_body_and_a_get()
    {
        await using var service = await TestService.StartAsync();
        using var grader = await GraderApi.LoginAsync(service);
        var item = "{\"xqueue_header\": {\"submission_id\": 1, \"submission_key\": \"k\"}, \"xqueue_body\": \"{}\"}";
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect reply format\"}",
            (await grader.PutResultsAsync("[" + string.Join(", ", Enumerable.Repeat(item, 33)) + "]")).RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"'put_results' must use HTTP POST\"}", (await grader.GetAsync("/xqueue/put_results/")).RawBody);

        using var raw = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        var huge = new ByteArrayContent(new byte[49 * 1024 * 1024]);
        huge.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        // Expect: 100-continue, as a well-behaved uploader sends it: the refusal comes before the 49 MiB.
        var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_results/") { Content = huge };
        request.Headers.ExpectContinue = true;
        var (status, reply) = await raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect reply format\"}", reply);

        // Chunked, so no length is declared: Kestrel's request limit stops the read part way, and the whole request
        // is refused (read whole, this valid list would get a per-item refusal instead).
        var oversizedList = Encoding.ASCII.GetBytes("[{\"xqueue_header\": {\"submission_id\": 1, \"submission_key\": \"k\"}, \"xqueue_body\": \"" +
            new string('a', 49 * 1024 * 1024) + "\"}]");
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_results/") { Content = new ByteArrayContent(oversizedList) };
        chunked.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        chunked.Headers.TransferEncodingChunked = true;
        var (chunkedStatus, chunkedReply) = await raw.SendAsync(chunked);
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 1, \"content\": \"Incorrect reply format\"}"), (chunkedStatus, chunkedReply));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task A_bad_n_is_a_legacy_error_naming_it(string n)
    {
        await using var service = await TestService.StartAsync();
        using var grader = await GraderApi.LoginAsync(service);
        var reply = await grader.GetAsync($"/xqueue/get_submissions/?queue_name={TestService.Queue}&n={Uri.EscapeDataString(n)}");
        Assert.Equal("{\"return_code\": 1, \"content\": \"'get_submissions' parameter 'n' must be a whole number from 1 to 32\"}", reply.RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"'get_submissions' must provide parameter 'queue_name'\"}", (await grader.GetAsync("/xqueue/get_submissions/?n=2")).RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'nope' not found\"}", (await grader.GetAsync("/xqueue/get_submissions/?queue_name=nope")).RawBody);
    }

    [Fact]
    public async Task Two_concurrent_bulk_pullers_never_get_the_same_submission()
    {
        const int count = 120;
        await using var rig = await GradingRig.StartAsync();
        for (var i = 0; i < count; i++) Assert.Equal(0, (await rig.SubmitAsync(i, "race", $"print({i})")).Code);

        var handedOut = new ConcurrentBag<long>();
        var graders = Enumerable.Range(0, 2).Select(async _ =>
        {
            using var grader = await GraderApi.LoginAsync(rig.Service);
            while (true)
            {
                var reply = await grader.GetSubmissionsAsync(7);
                if (reply.ReturnCode != 0) break;
                var pulls = GraderApi.Pulls(reply);
                foreach (var pull in pulls) handedOut.Add(pull.Id);
                var items = GraderApi.ItemReplies(await grader.PutResultsAsync(pulls.Select(p => (p.Header, Pull.Result(true, 1, "ok")))));
                Assert.All(items, item => Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", item));
            }
        });
        await Task.WhenAll(graders);

        Assert.Equal(count, handedOut.Count);
        Assert.Equal(count, handedOut.Distinct().Count());
    }

    static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
