using System.Text.RegularExpressions;
using Microsoft.Playwright;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: log in, read the badges, filter, search, open a detail, bulk-reset the
/// failed rows and see a grader pull them. The list's screenshot goes to the test output folder; with
/// UPDATE_SCREENSHOTS=1 it replaces docs/dashboard-submissions.png (the overview's comes from <see cref="QueueChartsTests"/>).
/// </summary>
public sealed class DashboardBrowserTests
{
    const string SecondQueue = "MITx-6.00x";

    [Fact]
    public async Task An_admin_logs_in_filters_searches_opens_a_detail_and_bulk_resets_failed_rows_for_a_grader()
    {
        await using var rig = await DashboardRig.StartAsync(new Dictionary<string, string?> { [$"XQueue:Queues:{SecondQueue}:PushUrl"] = "" });
        await rig.SubmitAsync(11, "sorting", "def sort(xs): return xs", grader: "ps1/sorting.py");
        await rig.SubmitAsync(12, "graphs", "while True: pass", grader: "ps2/graphs.py");
        var failed = await rig.FailAllWaitingAsync();
        await rig.SubmitAsync(13, "sorting", "def sort(xs): return sorted(xs)", grader: "ps1/sorting.py");
        await rig.SubmitAsync(14, "recursion", "def f(n): return n", grader: "ps3/recursion.py", queue: SecondQueue);
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
            await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/").AbsoluteUri);
            Assert.Contains("/xqueue/dashboard/login", page.Url);
            await page.FillAsync("input[name=username]", DashboardRig.Admin);
            await page.FillAsync("input[name=password]", DashboardRig.AdminPassword);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(new Regex("/xqueue/dashboard/$"));

            // Overview: one row per queue, and it refreshes itself (a new submission shows up without a reload).
            var waiting = page.Locator("tr[data-queue='test-pull'] td[data-field=waiting]");
            Assert.Equal("1", await waiting.TextContentAsync());
            Assert.Equal("2", await page.Locator("tr[data-queue='test-pull'] td[data-field=failed]").TextContentAsync());
            await rig.SubmitAsync(15, "loops", "for i in range(3): print(i)", grader: "ps1/loops.py");
            await Assertions.Expect(waiting).ToHaveTextAsync("2", new() { Timeout = 15_000 });

            // The list: coloured badges with their status as text.
            await page.ClickAsync("header nav >> text=Submissions");
            var failedBadge = page.Locator("#submissions .badge-failed").First;
            Assert.Equal("failed", await failedBadge.TextContentAsync());
            Assert.Equal("rgb(220, 53, 69)", await failedBadge.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
            Assert.Equal("rgb(255, 193, 7)", await page.Locator("#submissions .badge-pending").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
            Assert.Equal(5, await page.Locator("#submissions tbody tr").CountAsync());
            await Screenshots.TakeAsync(page, "dashboard-submissions.png");

            // Filter by status, then search by learner.
            await page.SelectOptionAsync("select[name=status]", "failed");
            await page.ClickAsync("form.filters button[type=submit]");
            Assert.Equal(2, await page.Locator("#submissions tbody tr").CountAsync());
            await page.SelectOptionAsync("select[name=status]", "");
            await page.FillAsync("input[name=q]", "anon-13");
            await page.ClickAsync("form.filters button[type=submit]");
            Assert.Equal(1, await page.Locator("#submissions tbody tr").CountAsync());
            Assert.Equal("anon-13", await page.Locator("#submissions tbody tr td").Nth(4).TextContentAsync());

            // A detail page.
            await page.ClickAsync("#submissions tbody tr td a");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Submission \\d+$"));
            Assert.Contains("def sort(xs): return sorted(xs)", await page.Locator("#body").TextContentAsync());
            Assert.Contains("received from the LMS", await page.Locator("#timeline").TextContentAsync());

            // Bulk reset of the failed rows, then a real grader pulls them.
            await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/submissions?status=failed").AbsoluteUri);
            await page.CheckAsync("#select-all");
            await page.ClickAsync("button[value=reset]");
            await Assertions.Expect(page.Locator("#outcomes .outcome-done")).ToHaveCountAsync(2);
            var pulled = new List<long>();
            while (await Pull.NextAsync(rig.Grading.Watcher) is { } pull) pulled.Add(pull.Id);
            Assert.Subset(pulled.ToHashSet(), failed.ToHashSet());

            await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/").AbsoluteUri);
            Assert.Equal(2, await page.Locator("table.audit tbody tr").Filter(new() { HasText = "reset to pending" }).CountAsync());
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task A_user_without_the_admin_role_sees_a_refusal_in_the_browser()
    {
        await using var rig = await DashboardRig.StartAsync();
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/submissions").AbsoluteUri);
            await page.FillAsync("input[name=username]", TestService.GraderUser);
            await page.FillAsync("input[name=password]", TestService.GraderPassword);
            var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
                r => r.Url.EndsWith("/xqueue/dashboard/submissions", StringComparison.Ordinal));
            Assert.Equal(403, response.Status);
            Assert.Contains("does not have the admin role", await page.Locator("main").TextContentAsync());
            Assert.Equal(0, await page.Locator("#submissions").CountAsync());
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
