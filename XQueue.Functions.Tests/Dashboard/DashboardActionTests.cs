using System.Net;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>The operator actions, through the dashboard's forms, checked by what the grader and the LMS then see.</summary>
public sealed class DashboardActionTests
{
    [Fact]
    public async Task Bulk_reset_requeues_failed_submissions_for_a_grader_and_skips_the_others_row_by_row()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(1, "p1", "print(1)");
        await rig.SubmitAsync(2, "p2", "print(2)");
        var failed = await rig.FailAllWaitingAsync();
        await rig.SubmitAsync(3, "p3", "print(3)"); // pending: must be skipped
        using var admin = await rig.OperatorAsync();
        var pending = await PendingIdAsync(admin, "anon-3");

        var list = await admin.PageAsync("/xqueue/dashboard/submissions?status=failed");
        Assert.All(failed, id => Assert.Contains($"value=\"{id}\"", list));
        using var response = await admin.ActAsync("reset", [.. failed, pending], "/xqueue/dashboard/submissions?status=failed");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.Content.ReadAsStringAsync();
        Assert.All(failed, id => Assert.Contains($"<tr data-id=\"{id}\"><td><a href=\"/xqueue/dashboard/submissions/{id}\">{id}</a></td><td class=\"outcome-done\">done: reset to pending and queued again", outcome));
        Assert.Contains($"<tr data-id=\"{pending}\"><td><a href=\"/xqueue/dashboard/submissions/{pending}\">{pending}</a></td><td class=\"outcome-skipped\">skipped: is pending: only failed submissions can be reset to pending", outcome);

        // A real grader now gets all three (pulled and answered within the 1-second delay), and its results reach the LMS.
        var pulled = new List<Pull>();
        for (var i = 0; i < 3; i++) pulled.Add((await Pull.NextAsync(rig.Grading.Watcher))!);
        Assert.Equal(failed.Append(pending).Order(), pulled.Select(p => p.Id).Order());
        foreach (var pull in pulled) Assert.Equal(0, (await rig.Grading.Watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok")))!.ReturnCode);
        var delivered = await rig.Grading.Lms.WaitForAsync(2 + 3, TimeSpan.FromSeconds(10)); // 2 failure notices, then 3 results
        Assert.Equal(3, delivered.Count(d => d.Body == Pull.Result(true, 1, "ok")));

        Assert.Empty(await rig.Grading.Service.Get<Functions.Submissions.FailedIndex>().PageAsync(null, 10, null));
        var overview = await admin.PageAsync(DashboardClient.Root);
        Assert.Contains($"{DashboardRig.Admin}</td><td>reset</td><td><a href=\"/xqueue/dashboard/submissions/{pending}\">{pending}</a></td><td>skipped: is pending", overview);
        var detail = await admin.PageAsync($"/xqueue/dashboard/submissions/{failed[0]}");
        Assert.Contains("reset to pending by ops", detail);
        Assert.Contains("pulled by grader from", detail);
    }

    [Fact]
    public async Task Resend_delivers_the_stored_result_again_without_regrading_and_retire_takes_a_pending_one_off_the_queue()
    {
        await using var rig = await DashboardRig.StartAsync(new Dictionary<string, string?> { ["XQueue:MaxFailures"] = "3" });
        await rig.SubmitAsync(1, "graded", "print(1)");
        var pull = await Pull.NextAsync(rig.Grading.Watcher);
        await rig.Grading.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "first"));
        await rig.Grading.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await rig.SubmitAsync(2, "waiting", "print(2)");
        using var admin = await rig.OperatorAsync();

        using (var resend = await admin.ActAsync("resend", [pull.Id])) Assert.Contains("done: result queued for delivery", await resend.Content.ReadAsStringAsync());
        var delivered = await rig.Grading.Lms.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([Pull.Result(true, 1, "first"), Pull.Result(true, 1, "first")], delivered.Select(d => d.Body));

        var waiting = await PendingIdAsync(admin, "anon-2");
        using (var retire = await admin.ActAsync("retire", [waiting, waiting + 1]))
        {
            var html = await retire.Content.ReadAsStringAsync();
            Assert.Contains("done: retired (was pending)", html);
            Assert.Contains("skipped: no such submission", html);
        }
        Assert.Null(await Pull.NextAsync(rig.Grading.Watcher));
        Assert.Equal(0, (await rig.Grading.Watcher.GetQueueLenAsync(Infrastructure.TestService.Queue))!.Content.GetInt32());
        using (var again = await admin.ActAsync("retire", [waiting])) Assert.Contains("skipped: is retired already", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_action_input_gets_a_clear_400_never_a_500()
    {
        await using var rig = await DashboardRig.StartAsync();
        using var admin = await rig.OperatorAsync();
        var token = DashboardClient.Token(await admin.PageAsync(DashboardClient.Root));
        foreach (var (fields, message) in new (IEnumerable<(string, string)> Fields, string Message)[]
        {
            ([("action", "explode"), ("id", "1")], "Unknown action"),
            ([("action", "reset"), ("id", "abc")], "is not a submission id"),
            ([("action", "reset"), ("id", "-5")], "is not a submission id"),
            ([("action", "reset")], "Select at least one submission"),
        })
        {
            using var response = await admin.PostAsync("/xqueue/dashboard/actions", [.. fields, (DashboardClient.TokenField, token)]);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await response.Content.ReadAsStringAsync());
        }
    }

    static async Task<long> PendingIdAsync(DashboardClient admin, string learner)
    {
        var html = await admin.PageAsync($"/xqueue/dashboard/submissions?status=pending&q={learner}");
        var marker = "<tr data-id=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return long.Parse(html[start..html.IndexOf('"', start)]);
    }
}
