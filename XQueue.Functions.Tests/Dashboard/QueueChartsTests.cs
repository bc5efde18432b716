using System.Text.RegularExpressions;
using Microsoft.Playwright;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>
/// The charts of the last six hours, from a seeded run: five hours of an exam with the service's clock moved through
/// them, the history recorded every other minute (what its timer does every minute), and every ten minutes submissions made (a wave that peaks mid-exam) and at
/// most four graded after a known time and delivered. Then, in Chromium: the overview and the queue's page draw the
/// run's figures, also without JavaScript, and a second instance on the same storage serves the same charts. The
/// screenshots in docs/ come from here (UPDATE_SCREENSHOTS=1).
/// </summary>
public sealed partial class QueueChartsTests
{
    const int Span = 300, SweepEvery = 2, StepEvery = 10, GradersPerStep = 4;

    static int Submitted(int step) => 1 + (int)Math.Round(5 * Math.Sin(Math.PI * step / (Span / StepEvery)));

    // The i-th result of a step comes this long after the pulls: 10 to 46 s, within the step's minute.
    static int GradingSeconds(int step, int i) => 10 + step * 7 % 25 + 4 * i;

    [Fact]
    public async Task The_overview_and_the_queue_page_chart_a_seeded_run_from_storage_alike_on_two_instances_and_without_script()
    {
        var now = DateTimeOffset.UtcNow;
        var origin = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 5, TimeSpan.Zero);
        var clock = new ShiftedClock { Offset = At(origin, -Span) };
        await using var rig = await DashboardRig.StartAsync(
            new Dictionary<string, string?> { ["XQueue:MaxFailures"] = "3", ["XQueue:ProcessingDelay"] = "00:10:00", ["XQueue:Sweep:HistoryInterval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        var waiting = await SeedAsync(rig, clock, origin);

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await LogInAsync(browser, rig, javaScript: true);
            var overview = page.Locator($"section.queue-history:has(.charts[data-queue='{TestService.Queue}'])");
            await CheckChartsAsync(overview, waiting);
            await Screenshots.TakeAsync(page, "dashboard-overview.png");

            await overview.Locator("h3 a").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Queue {TestService.Queue}");
            Assert.Equal(waiting[^1].ToString(), await page.Locator("#figures [data-field=waiting]").TextContentAsync());
            await CheckChartsAsync(page.Locator("main"), waiting);
            await Screenshots.TakeAsync(page, "dashboard-queue.png");

            var noScript = await LogInAsync(browser, rig, javaScript: false);
            await noScript.GotoAsync(new Uri(rig.BaseAddress, QueuePage()).AbsoluteUri);
            await CheckChartsAsync(noScript.Locator("main"), waiting);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }

        // Another instance, which recorded nothing of the run, serves the same charts: they come from storage.
        await using var second = await rig.AnotherInstanceAsync();
        using var first = await rig.OperatorAsync();
        using var other = new DashboardClient(second.BaseAddress);
        await other.LogInAsync(DashboardRig.Admin, DashboardRig.AdminPassword);
        // The second instance's first sweep writes the current minute as it starts, and a new minute may begin between
        // two reads: the two are compared until they agree, which charts an instance drew from its memory never would.
        var (mine, theirs) = ("", "");
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            (mine, theirs) = (Charts(await first.PageAsync(QueuePage())), Charts(await other.PageAsync(QueuePage())));
            return mine == theirs;
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200)), $"the instances drew different charts:\n{mine}\n{theirs}");
    }

    /// <summary>
    /// The clock's offset for <paramref name="minute"/> minutes after <paramref name="origin"/>, the fifth second of
    /// the minute the test began (a step's grading then stays in its minute, and the minutes follow each other evenly).
    /// </summary>
    static TimeSpan At(DateTimeOffset origin, int minute) => origin.AddMinutes(minute) - DateTimeOffset.UtcNow;

    /// <returns>How many waited after each step.</returns>
    static async Task<List<int>> SeedAsync(DashboardRig rig, ShiftedClock clock, DateTimeOffset origin)
    {
        var counts = rig.Grading.Service.Get<ResultCounts>();
        var history = rig.Grading.Service.Get<QueueHistory>();
        var length = rig.Grading.Service.Get<QueueLength>();
        var (learner, delivered, waiting) = (0, 0, new List<int>());
        for (var minute = -Span; minute <= 0; minute += SweepEvery)
        {
            clock.Offset = At(origin, minute);
            if ((minute + Span) % StepEvery == 0)
            {
                var step = (minute + Span) / StepEvery;
                for (var i = 0; i < Submitted(step); i++) await rig.SubmitAsync(++learner, $"step{step}", $"print({learner})");
                var pulls = new List<Pull>();
                while (pulls.Count < GradersPerStep && await Pull.NextAsync(rig.Grading.Watcher) is { } pull) pulls.Add(pull);
                var pulledAt = clock.Offset;
                for (var i = 0; i < pulls.Count; i++)
                {
                    clock.Offset = pulledAt + TimeSpan.FromSeconds(GradingSeconds(step, i));
                    await rig.Grading.Watcher.PutResultAsync(pulls[i].Header, Pull.Result(true, 1, "ok"));
                }
                delivered += pulls.Count;
                waiting.Add(learner - delivered);
                await rig.Grading.Lms.WaitForAsync(delivered, TimeSpan.FromSeconds(30));
                // The LMS has the results a moment before they are counted as graded.
                Assert.True(await Eventually.HoldsAsync(
                    async () => (await counts.PerMinuteAsync(clock.GetUtcNow().AddMinutes(-2))).Values.Sum(c => c.Graded) == pulls.Count,
                    TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100)), $"step {step}: {pulls.Count} graded were not counted");
                // A delivery removes the hold's row last, a moment after the LMS has the result: until then it counts in flight.
                Assert.True(await Eventually.HoldsAsync(async () => (await length.WaitingAndInFlightAsync(TestService.Queue)).InFlight == 0,
                    TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100)), $"step {step}: deliveries did not finish");
            }
            // Back to the minute's start: the step's grading and waits (tens of seconds on a loaded machine) must not
            // carry the record into the next minute, which would leave a gap in the line.
            clock.Offset = At(origin, minute);
            await history.RecordAsync();
        }
        return waiting;
    }

    /// <summary>The seeded figures, as drawn: the axes' tops, the latest values, lines through every recorded minute.</summary>
    static async Task CheckChartsAsync(ILocator scope, List<int> waiting)
    {
        var charts = scope.Locator($".charts[data-queue='{TestService.Queue}']");
        Assert.Equal(4, await charts.Locator("figure.chart svg").CountAsync());
        // A count's axis ends at 1, 2 or 5 times a power of ten above the largest value.
        Assert.Equal("5", await Top(charts, "graded")); // four graded in a minute at most
        Assert.Equal("60 s", await Top(charts, "grading")); // 46 s the longest; a duration ends on a round time
        Assert.Equal(XQueue.Functions.Dashboard.TimeChart.AxisMax(waiting.Select(w => (double)w)).ToString(), await Top(charts, "depth"));
        Assert.Equal($"waiting {waiting[^1]}", await charts.Locator("figure[data-chart=depth] figcaption [data-series=waiting]").TextContentAsync());
        Assert.Equal("in flight 0", await charts.Locator("figure[data-chart=depth] figcaption [data-series=inFlight]").TextContentAsync());
        // A point every other minute for five hours, joined into one line (no gap is wider than two minutes).
        var line = await charts.Locator("figure[data-chart=depth] g[data-series=waiting] path").GetAttributeAsync("d") ?? "";
        Assert.Equal(1, line.Count(c => c == 'M'));
        Assert.True(line.Count(c => c == 'L') >= Span / SweepEvery - 1, $"the waiting line should have a point every other minute: {line}");
        foreach (var series in (string[])["graded", "oldest", "p50", "p95"])
        {
            var drawn = charts.Locator($"g[data-series={series}]");
            Assert.True((await drawn.BoundingBoxAsync())?.Width > 100, $"the {series} line should span the hours it was recorded in");
        }
    }

    static Task<string?> Top(ILocator charts, string chart) => charts.Locator($"figure[data-chart={chart}] .grid text").Nth(1).TextContentAsync();

    static async Task<IPage> LogInAsync(IBrowser browser, DashboardRig rig, bool javaScript)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(rig.BaseAddress, "/xqueue/dashboard/login").AbsoluteUri);
        await page.FillAsync("input[name=username]", DashboardRig.Admin);
        await page.FillAsync("input[name=password]", DashboardRig.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Regex("/xqueue/dashboard/$"));
        return page;
    }

    static string QueuePage() => $"/xqueue/dashboard/queue?name={Uri.EscapeDataString(TestService.Queue)}";

    static string Charts(string html) => ChartsPattern().Match(html) is { Success: true } m ? m.Value : throw new Xunit.Sdk.XunitException("no charts on the page");

    [GeneratedRegex("<div class=\"charts[^\"]*\".*?</div>", RegexOptions.Singleline)]
    private static partial Regex ChartsPattern();
}
