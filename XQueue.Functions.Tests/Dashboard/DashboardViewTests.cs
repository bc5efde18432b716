using System.Net;
using System.Text.Json;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.Dashboard;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>What the overview, the list and the detail page show, read through HTTP from a real service.</summary>
public sealed class DashboardViewTests
{
    [Fact]
    public async Task Overview_counts_waiting_in_flight_failed_and_finished_per_queue_with_totals()
    {
        await using var rig = await DashboardRig.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:30", ["XQueue:MaxFailures"] = "3" });
        for (var user = 1; user <= 4; user++) await rig.SubmitAsync(user, $"p{user}", "x");
        var graded = await Pull.NextAsync(rig.Grading.Watcher);
        await rig.Grading.Watcher.PutResultAsync(graded!.Header, Pull.Result(true, 1, "ok"));
        await Pull.NextAsync(rig.Grading.Watcher); // held: in flight
        using var admin = await rig.OperatorAsync();

        using var json = JsonDocument.Parse(await admin.PageAsync("/xqueue/dashboard/api/overview"));
        var queue = json.RootElement.GetProperty("queues")[0];
        Assert.Equal("test-pull", queue.GetProperty("queue").GetString());
        Assert.Equal(2, queue.GetProperty("waiting").GetInt32());
        Assert.Equal(1, queue.GetProperty("inFlight").GetInt32());
        Assert.Equal(0, queue.GetProperty("failed").GetInt32());
        Assert.Equal(1, queue.GetProperty("retiredLastHour").GetInt32());
        Assert.Equal(0.2, queue.GetProperty("gradedPerMinute").GetDouble()); // 1 in the 5-minute window
        Assert.EndsWith(" s", queue.GetProperty("oldestWaiting").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("totals").GetProperty("waiting").GetInt32());

        var page = await admin.PageAsync(DashboardClient.Root);
        Assert.Contains("<tr data-queue=\"test-pull\">", page);
        Assert.Contains("<td class=\"num\" data-field=\"waiting\">2</td>", page);
    }

    [Fact]
    public async Task List_filters_by_status_queue_failures_and_time_and_searches_course_learner_problem_and_grader_file()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(7, "alpha", "a", grader: "sorting.py");
        var failed = await rig.FailAllWaitingAsync();
        await rig.SubmitAsync(8, "beta", "b", grader: "graphs.py");
        using var admin = await rig.OperatorAsync();

        string Ids(string html) => string.Join(",", System.Text.RegularExpressions.Regex.Matches(html, "<tr data-id=\"(\\d+)\"").Select(m => m.Groups[1].Value));
        var all = await admin.PageAsync("/xqueue/dashboard/submissions");
        Assert.Contains("<span class=\"badge badge-failed\">failed</span>", all);
        Assert.Contains("<span class=\"badge badge-pending\">pending</span>", all);
        var pending = Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=pending"));
        Assert.Equal(2, Ids(all).Split(',').Length);
        Assert.StartsWith(pending, Ids(all)); // newest first
        Assert.Equal(failed[0].ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=failed")));
        Assert.Equal(failed[0].ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?failures=1")));
        Assert.Equal(failed[0].ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?q=SORTING")));
        Assert.Equal(failed[0].ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?q=anon-7")));
        Assert.Equal(failed[0].ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?q=block@alpha")));
        Assert.Equal(pending, Ids(await admin.PageAsync($"/xqueue/dashboard/submissions?q={pending}")));
        Assert.Equal(2, Ids(await admin.PageAsync("/xqueue/dashboard/submissions?q=course-v1:MITx%2B6.00x")).Split(',').Length);
        Assert.Equal("", Ids(await admin.PageAsync("/xqueue/dashboard/submissions?queue=other")));
        Assert.Equal("", Ids(await admin.PageAsync("/xqueue/dashboard/submissions?to=2025-01-01T00:00")));
        Assert.Equal(2, Ids(await admin.PageAsync($"/xqueue/dashboard/submissions?from={DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm}")).Split(',').Length);

        foreach (var bad in new[] { "status=weird", "failures=-1", "from=yesterday", "after=xyz", $"q={new string('x', 401)}" })
        {
            using var response = await admin.GetAsync($"/xqueue/dashboard/submissions?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_submission_a_grader_holds_is_shown_pulled_with_its_grader_and_key_though_the_pull_wrote_nothing()
    {
        await using var rig = await DashboardRig.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:30" });
        await rig.SubmitAsync(1, "held", "x");
        await rig.SubmitAsync(2, "waiting", "y");
        var held = await Pull.NextAsync(rig.Grading.Watcher);
        using var admin = await rig.OperatorAsync();

        string Ids(string html) => string.Join(",", System.Text.RegularExpressions.Regex.Matches(html, "<tr data-id=\"(\\d+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal(held!.Id.ToString(), Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=pulled")));
        Assert.Equal("", Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=pulled&queue=other")));
        var pending = Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=pending"));
        Assert.Single(pending.Split(','));
        Assert.NotEqual(held.Id.ToString(), pending);
        Assert.Contains("<span class=\"badge badge-pulled\">pulled</span>", await admin.PageAsync("/xqueue/dashboard/submissions"));
        Assert.Equal(held.Id.ToString(), Ids(await admin.PageAsync($"/xqueue/dashboard/submissions?q={held.Key}")));

        var detail = await admin.PageAsync($"/xqueue/dashboard/submissions/{held.Id}");
        Assert.Contains("<span class=\"badge badge-pulled\">pulled</span>", detail);
        Assert.Contains(held.Key, detail);
        Assert.Contains("pulled by grader from", detail);

        // Answered and delivered: the entity now says so itself.
        Assert.Equal(0, (await rig.Grading.Watcher.PutResultAsync(held.Header, Pull.Result(true, 1, "ok")))!.ReturnCode);
        await rig.Grading.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Contains("<span class=\"badge badge-retired\">retired</span>", await admin.PageAsync($"/xqueue/dashboard/submissions/{held.Id}"));
        Assert.Equal("", Ids(await admin.PageAsync("/xqueue/dashboard/submissions?status=pulled")));
    }

    [Fact]
    public async Task Paging_goes_on_from_the_last_row_without_repeating_any()
    {
        await using var rig = await DashboardRig.StartAsync();
        for (var user = 0; user < SubmissionListPageSize + 5; user++) await rig.SubmitAsync(user, $"p{user}", "x");
        using var admin = await rig.OperatorAsync();
        var first = await admin.PageAsync("/xqueue/dashboard/submissions");
        var next = System.Text.RegularExpressions.Regex.Match(first, "id=\"next-page\" href=\"([^\"]+)\"").Groups[1].Value;
        var second = await admin.PageAsync(WebUtility.HtmlDecode(next));
        var ids = System.Text.RegularExpressions.Regex.Matches(first + second, "<tr data-id=\"(\\d+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(SubmissionListPageSize + 5, ids.Distinct().Count());
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    const int SubmissionListPageSize = Functions.Dashboard.SubmissionListPage.PageSize;

    [Fact]
    public async Task Detail_shows_timeline_body_files_and_reply_with_learner_content_encoded()
    {
        await using var rig = await DashboardRig.StartAsync(new Dictionary<string, string?> { ["XQueue:MaxFailures"] = "3" });
        var files = new Dictionary<string, byte[]> { ["<img src=x onerror=alert(1)>.py"] = "print('hi')"u8.ToArray() };
        // Written by hand: a JSON serializer would escape the angle brackets this test is about.
        const string body = "{\"grader_payload\": \"{\\\"grader\\\": \\\"g.py\\\"}\", \"student_info\": \"{\\\"anonymous_student_id\\\": \\\"<i>anon</i>\\\"}\", " +
                            "\"student_response\": \"<script>alert('learner')</script>\"}";
        Assert.Equal(0, (await rig.Grading.LmsClient.SubmitAsync(rig.Grading.Header(1, "xss"), body, files)).Code);
        var pull = await Pull.NextAsync(rig.Grading.Watcher);
        await rig.Grading.Watcher.PutResultAsync(pull!.Header, "{\"correct\": false, \"score\": 0, \"msg\": \"<b onclick=x>bad</b>\"}");
        await rig.Grading.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        using var admin = await rig.OperatorAsync();

        var html = await admin.PageAsync($"/xqueue/dashboard/submissions/{pull.Id}");
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<b onclick", html);
        Assert.DoesNotContain("<i>anon", html);
        Assert.Contains("&lt;script&gt;alert(", html);
        Assert.Contains("&lt;i&gt;anon&lt;/i&gt;", html); // the learner id, parsed from the body, encoded too
        Assert.Contains("&lt;b onclick=x&gt;bad", html);
        Assert.Contains("pulled by grader from", html);
        Assert.Contains("delivery attempt: HTTP 200", html);
        Assert.Contains("delivered to the LMS", html);

        using var download = await admin.GetAsync($"/xqueue/dashboard/submissions/{pull.Id}/files/0");
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("print('hi')", await download.Content.ReadAsStringAsync());
        using var missing = await admin.GetAsync($"/xqueue/dashboard/submissions/{pull.Id}/files/9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await admin.GetAsync("/xqueue/dashboard/submissions/not-an-id");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public void Facts_come_from_the_lms_callback_url_and_the_json_body_and_never_throw()
    {
        var facts = SubmissionFacts.Of(
            "https://lms.example/courses/course-v1:MITx+6.00x+2026/xqueue/5/block-v1:MITx+6.00x+2026+type@problem+block@abc/score_update",
            "{\"grader_payload\": \"{\\\"grader\\\": \\\"ps1/grade.py\\\"}\", \"student_info\": \"{\\\"anonymous_student_id\\\": \\\"a1b2\\\"}\", \"student_response\": \"x\"}");
        Assert.Equal(new SubmissionFacts("course-v1:MITx+6.00x+2026", "block-v1:MITx+6.00x+2026+type@problem+block@abc", "a1b2", "ps1/grade.py"), facts);
        Assert.Equal(new SubmissionFacts(null, null, null, null), SubmissionFacts.Of("not a url", "{not json"));
        Assert.Equal(new SubmissionFacts(null, null, null, null), SubmissionFacts.Of("http://x/y", "{\"student_info\": \"[1]\", \"grader_payload\": 3}"));
    }
}
