using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Auth;

/// <summary>Invariant 6: no password, session token, SAS signature or learner code in any log line, at any level.</summary>
public sealed class LogHygieneTests
{
    [Fact]
    public async Task A_whole_grading_cycle_logs_no_secret_and_no_learner_code()
    {
        var logs = new LogCapture();
        await using var rig = await GradingRig.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        const string code = "print('learner-secret-answer-42')";

        await rig.SubmitAsync(1, "logs", code, new Dictionary<string, byte[]> { ["a.py"] = "learner-file-text"u8.ToArray() });
        var pull = await Pull.NextAsync(rig.Watcher);
        await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "grader-verdict"));
        await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await rig.Watcher.PutResultAsync("{\"submission_id\": 1, \"submission_key\": \"x\"}", "learner-secret-answer-42"); // a bad reply is logged
        await Task.Delay(200);

        var session = rig.Watcher.SessionCookieHeader().Split(';').Select(c => c.Trim()).Single(c => c.StartsWith("sessionid=", StringComparison.Ordinal))["sessionid=".Length..];
        var signature = System.Web.HttpUtility.ParseQueryString(new Uri(pull.Files["a.py"]).Query)["sig"]!;
        var all = string.Join("\n", logs.Lines);
        Assert.NotEmpty(logs.Lines);
        Assert.Contains("pulled", all); // the capture does see the app's own lines
        foreach (var secret in new[] { TestService.LmsPassword, TestService.GraderPassword, session, signature, Uri.EscapeDataString(signature), "learner-secret-answer-42", "learner-file-text", pull.Key })
        {
            Assert.DoesNotContain(secret, all);
        }
    }
}
