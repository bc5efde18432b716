using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Push;

/// <summary>Invariant 6 for pushes: the grader's credentials (in its URL), learner code and file URLs never reach a log line.</summary>
public sealed class PushLogHygieneTests
{
    [Fact]
    public async Task A_push_with_a_failed_attempt_logs_no_credential_no_learner_code_and_no_file_url()
    {
        var logs = new LogCapture();
        await using var rig = await PushRig.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace" },
            grader => $"http://pusher:grader-secret-77@{grader.Authority}/grade",
            services => services.AddSingleton<ILoggerProvider>(logs));
        rig.Grader.Answer = n => Task.FromResult(n == 1 ? Results.StatusCode(503) : Results.Text(FakeGrader.Reply(n)));

        await rig.SubmitAsync(1, "logs", "{\"student_response\": \"print('learner-secret-answer-42')\"}",
            new Dictionary<string, byte[]> { ["a.py"] = "learner-file-text"u8.ToArray() });
        Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(30)));

        var all = string.Join("\n", logs.Lines);
        Assert.Contains("Push of submission", all); // the failed attempt was logged, and the capture saw it
        Assert.Contains("System.Net.Http.HttpClient.push", all); // so did the push client's own request logs
        var sent = rig.Grader.Received.First();
        var signature = System.Text.RegularExpressions.Regex.Match(sent.Body, "sig=([^\\\\\"&]+)").Groups[1].Value;
        Assert.NotEmpty(signature);
        foreach (var secret in new[] { "grader-secret-77", Convert.ToBase64String("pusher:grader-secret-77"u8.ToArray()), "learner-secret-answer-42", "learner-file-text", signature })
        {
            Assert.DoesNotContain(secret, all);
        }
    }
}
