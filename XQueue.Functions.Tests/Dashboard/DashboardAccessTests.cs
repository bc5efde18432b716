using System.Net;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>Nobody but an admin reads or changes anything under /xqueue/dashboard/, and no POST works without its antiforgery token.</summary>
public sealed class DashboardAccessTests
{
    static readonly string[] Pages = ["", "api/overview", "submissions", "submissions?status=failed", "submissions/123", "submissions/123/files/0"];

    [Fact]
    public async Task Anonymous_requests_are_sent_to_the_login_form_and_change_nothing()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(1, "p1", "x = 1");
        var ids = await rig.FailAllWaitingAsync();
        using var anonymous = new DashboardClient(rig.BaseAddress);

        foreach (var page in Pages)
        {
            using var response = await anonymous.GetAsync(DashboardClient.Root + page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/xqueue/dashboard/login?next=", response.Headers.Location!.OriginalString);
        }
        // A token from the login page does not make an anonymous POST an operator's.
        using var post = await anonymous.ActAsync("reset", ids, "/xqueue/dashboard/login");
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Null(await Submissions.Pull.NextAsync(rig.Grading.Watcher)); // still failed, not requeued
    }

    [Fact]
    public async Task A_user_without_the_admin_role_is_refused_every_page_and_action()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(1, "p1", "x = 1");
        var ids = await rig.FailAllWaitingAsync();
        using var grader = new DashboardClient(rig.BaseAddress);
        using (var login = await grader.LogInAsync(TestService.GraderUser, TestService.GraderPassword)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        foreach (var page in Pages)
        {
            using var response = await grader.GetAsync(DashboardClient.Root + page);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("does not have the <b>admin</b> role", await response.Content.ReadAsStringAsync());
        }
        using var post = await grader.ActAsync("reset", ids, "/xqueue/dashboard/login");
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Null(await Submissions.Pull.NextAsync(rig.Grading.Watcher));
    }

    [Fact]
    public async Task A_post_without_a_valid_antiforgery_token_is_rejected_even_from_an_admin()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(1, "p1", "x = 1");
        var ids = await rig.FailAllWaitingAsync();
        using var admin = await rig.OperatorAsync();
        var id = ids.Single().ToString();

        using var missing = await admin.PostAsync("/xqueue/dashboard/actions", [("action", "reset"), ("id", id)]);
        using var forged = await admin.PostAsync("/xqueue/dashboard/actions", [("action", "reset"), ("id", id), (DashboardClient.TokenField, "CfDJ8forged")]);
        using var otherUsers = new DashboardClient(rig.BaseAddress);
        var anonymousToken = DashboardClient.Token(await otherUsers.PageAsync("/xqueue/dashboard/login"));
        using var stolen = await admin.PostAsync("/xqueue/dashboard/actions", [("action", "reset"), ("id", id), (DashboardClient.TokenField, anonymousToken)]);
        using var logout = await admin.PostAsync("/xqueue/dashboard/logout", []);

        Assert.All(new[] { missing, forged, stolen, logout }, response => Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode));
        Assert.Null(await Submissions.Pull.NextAsync(rig.Grading.Watcher)); // nothing was reset
        Assert.Contains("No operator actions yet", await admin.PageAsync(DashboardClient.Root));
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_next_cannot_leave_the_dashboard()
    {
        await using var rig = await DashboardRig.StartAsync();
        using var client = new DashboardClient(rig.BaseAddress);
        using (var wrong = await client.LogInAsync(DashboardRig.Admin, "nope")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var token = DashboardClient.Token(await client.PageAsync("/xqueue/dashboard/login"));
        using var login = await client.PostAsync("/xqueue/dashboard/login",
            [("username", DashboardRig.Admin), ("password", DashboardRig.AdminPassword), ("next", "https://evil.example/"), (DashboardClient.TokenField, token)]);
        Assert.Equal("/xqueue/dashboard/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Delete_is_for_super_admins_only()
    {
        await using var rig = await DashboardRig.StartAsync();
        await rig.SubmitAsync(1, "p1", "x = 1");
        var ids = await rig.FailAllWaitingAsync();
        using var admin = await rig.OperatorAsync();
        using (var refused = await admin.ActAsync("delete", ids)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await admin.PageAsync($"/xqueue/dashboard/submissions/{ids[0]}");

        using var boss = await rig.OperatorAsync(DashboardRig.SuperAdmin, DashboardRig.SuperAdminPassword);
        Assert.Contains(">Delete</button>", await boss.PageAsync($"/xqueue/dashboard/submissions/{ids[0]}"));
        using (var deleted = await boss.ActAsync("delete", ids)) Assert.Contains("done: deleted (was failed)", await deleted.Content.ReadAsStringAsync());
        using var gone = await boss.GetAsync($"/xqueue/dashboard/submissions/{ids[0]}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("boss</td><td>delete", await boss.PageAsync(DashboardClient.Root));
    }
}
