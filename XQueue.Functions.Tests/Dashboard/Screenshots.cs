using Microsoft.Playwright;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>Full-page screenshots of the dashboard tests: kept in the test output, and with UPDATE_SCREENSHOTS=1 written to docs/ as well.</summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1") await File.WriteAllBytesAsync(Repository.PathTo("docs", name), bytes);
    }
}
