using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>A get_submission reply unwrapped the way graders unwrap it (reference §4.1).</summary>
public sealed record Pull(string Header, long Id, string Key, string Body, IReadOnlyDictionary<string, string> Files)
{
    public static Pull From(LegacyResult result)
    {
        Assert.Equal(0, result.ReturnCode);
        using var content = JsonDocument.Parse(result.Content.GetString()!);
        var header = content.RootElement.GetProperty("xqueue_header").GetString()!;
        using var headerJson = JsonDocument.Parse(header);
        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(content.RootElement.GetProperty("xqueue_files").GetString()!)!;
        return new Pull(header, headerJson.RootElement.GetProperty("submission_id").GetInt64(),
            headerJson.RootElement.GetProperty("submission_key").GetString()!, content.RootElement.GetProperty("xqueue_body").GetString()!, files);
    }

    /// <returns>The submission handed out, or null when the reply is the legacy "empty"; any other reply fails the test,
    /// so a test expecting "empty" cannot pass on an error.</returns>
    public static async Task<Pull?> NextAsync(WatcherClient watcher, string queue = TestService.Queue)
    {
        var result = await watcher.GetSubmissionAsync(queue);
        Assert.NotNull(result);
        if (result!.ReturnCode == 0) return From(result);
        Assert.Equal($"Queue '{queue}' is empty", result.Text);
        return null;
    }

    public static string Result(bool correct, double score, string msg) =>
        JsonSerializer.Serialize(new { correct, score, msg });
}
