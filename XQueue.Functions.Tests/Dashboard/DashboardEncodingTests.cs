using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Playwright;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>
/// Markup in everything the LMS, a learner or a grader controls reaches the operator's browser as text: the
/// callback URL (and the course and problem read from it), the LMS key, the learner's response and anonymous id,
/// the grader file, a file name and the grader's reply. Queue and user names are the operator's own settings.
/// The browser ignores the pages' Content-Security-Policy here, so markup that became HTML would also run.
/// </summary>
public sealed class DashboardEncodingTests
{
    // Each field gets its own payload, so a failure names the field. File names and URL segments cannot hold '/'.
    static string Markup(string field) => $"<script>alert('{field}')</script><img src=x onerror=alert('{field}') data-injected>\"'&amp;";
    static string Slashless(string field) => $"<img src=x onerror=alert('{field}') data-injected>'&amp;";

    // Sent as the LMS and graders may send it: '<', '>' and '&' unescaped in the JSON, so the stored text holds them.
    static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Markup_from_the_lms_the_learner_and_the_grader_shows_as_text_on_the_overview_list_and_detail()
    {
        await using var rig = await DashboardRig.StartAsync();
        var course = "course-v1:MITx+6.00x+2026" + Slashless("course");
        var problem = "block-v1:MITx+6.00x+2026+type@problem+block@" + Slashless("problem");
        var callbackUrl = new Uri(rig.Grading.Lms.BaseAddress, "/").AbsoluteUri + $"courses/{course}/xqueue/7/{problem}/score_update";
        var header = JsonSerializer.Serialize(
            new Dictionary<string, string> { ["lms_callback_url"] = callbackUrl, ["lms_key"] = Markup("lms_key"), ["queue_name"] = TestService.Queue }, Raw);
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["grader_payload"] = JsonSerializer.Serialize(new { grader = Markup("grader") }, Raw),
            ["student_info"] = JsonSerializer.Serialize(new { anonymous_student_id = Markup("learner"), submission_time = "20261122120000", random_seed = 1 }, Raw),
            ["student_response"] = Markup("response"),
        }, Raw);
        var fileName = Slashless("file") + ".py";
        var (code, message) = await rig.Grading.LmsClient.SubmitAsync(header, body, new Dictionary<string, byte[]> { [fileName] = "print(1)"u8.ToArray() });
        Assert.True(code == 0, message);
        var pull = await Pull.NextAsync(rig.Grading.Watcher);
        var reply = JsonSerializer.Serialize(new { correct = false, score = 0, msg = Markup("reply") }, Raw);
        Assert.Equal(0, (await rig.Grading.Watcher.PutResultAsync(pull!.Header, reply))!.ReturnCode);
        await rig.Grading.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
            var page = await context.NewPageAsync();
            var dialogs = new List<string>();
            page.Dialog += async (_, dialog) =>
            {
                dialogs.Add(dialog.Message);
                await dialog.DismissAsync();
            };
            await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/").AbsoluteUri);
            await page.FillAsync("input[name=username]", DashboardRig.Admin);
            await page.FillAsync("input[name=password]", DashboardRig.AdminPassword);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/xqueue/dashboard/$"));
            await Assertions.Expect(page.Locator("tr[data-queue='test-pull']")).ToHaveCountAsync(1);
            await NothingInjected(page);

            // The list, searched for the learner: the search text comes back in its field, the row shows every fact as text.
            await page.ClickAsync("header nav >> text=Submissions");
            await page.FillAsync("input[name=q]", Markup("learner"));
            await page.ClickAsync("form.filters button[type=submit]");
            var row = page.Locator("#submissions tbody tr");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            Assert.Equal(Markup("learner"), await page.InputValueAsync("input[name=q]"));
            var cells = row.Locator("td");
            Assert.Equal(course, await cells.Nth(3).TextContentAsync());
            Assert.Equal(Markup("learner"), await cells.Nth(4).TextContentAsync());
            Assert.Equal(Slashless("problem"), await cells.Nth(5).TextContentAsync());
            Assert.Equal(problem, await cells.Nth(5).GetAttributeAsync("title"));
            await NothingInjected(page);

            // The submission's page: every field, the LMS's header and body, the file's name and the grader's reply.
            await row.Locator("a").First.ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Submission {pull.Id}");
            var fields = await page.Locator("dl.fields").TextContentAsync();
            foreach (var text in new[] { course, problem, Markup("learner"), Markup("grader"), callbackUrl }) Assert.Contains(text, fields);
            Assert.Equal(header, await page.Locator("#header").TextContentAsync());
            Assert.Equal(body, await page.Locator("#body").TextContentAsync());
            Assert.Equal(fileName, await page.Locator("a[download]").TextContentAsync());
            Assert.Equal(reply, await page.Locator("#reply").TextContentAsync());
            await NothingInjected(page);

            Assert.Empty(dialogs);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    /// <summary>No element of the payloads, and no inline event handler anywhere, made it into the page's DOM.</summary>
    static async Task NothingInjected(IPage page)
    {
        Assert.Equal(0, await page.Locator("[data-injected]").CountAsync());
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        var handlers = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))");
        Assert.Empty(handlers);
    }
}
