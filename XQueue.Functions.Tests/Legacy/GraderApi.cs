using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>
/// A grader using the additions to the protocol (bulk pull and put, long-poll, leases) over a logged-in
/// session, the way a few lines of Python requests would: raw replies, parsed as the watcher parses them.
/// </summary>
public sealed class GraderApi : IDisposable
{
    readonly HttpClient http;

    GraderApi(HttpClient http) => this.http = http;

    public static async Task<GraderApi> LoginAsync(TestService service) =>
        new(await RawClient.SessionAsync(service, TestService.GraderUser, TestService.GraderPassword, TimeSpan.FromSeconds(60)));

    public Task<LegacyResult> GetAsync(string pathAndQuery, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, pathAndQuery), cancellationToken);

    public Task<LegacyResult> GetSubmissionsAsync(int n, double? wait = null) =>
        GetAsync($"/xqueue/get_submissions/?queue_name={TestService.Queue}&n={n}{Wait(wait)}");

    public Task<LegacyResult> GetSubmissionAsync(double? wait = null, CancellationToken cancellationToken = default) =>
        GetAsync($"/xqueue/get_submission/?queue_name={TestService.Queue}{Wait(wait)}", cancellationToken);

    public Task<LegacyResult> PutResultsAsync(string json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "/xqueue/put_results/") { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    /// <summary>put_results of one reply per pull, each header the string it was handed out as.</summary>
    public Task<LegacyResult> PutResultsAsync(IEnumerable<(string Header, string Body)> replies) =>
        PutResultsAsync(JsonSerializer.Serialize(replies.Select(r => new Dictionary<string, string> { ["xqueue_header"] = r.Header, ["xqueue_body"] = r.Body })));

    public Task<LegacyResult> PutResultAsync(string header, string body) => PostFormAsync("/xqueue/put_result/", ("xqueue_header", header), ("xqueue_body", body));

    public Task<LegacyResult> ExtendLeaseAsync(string header, int? seconds = null) =>
        seconds is { } s
            ? PostFormAsync("/xqueue/extend_lease/", ("xqueue_header", header), ("seconds", s.ToString(CultureInfo.InvariantCulture)))
            : PostFormAsync("/xqueue/extend_lease/", ("xqueue_header", header));

    public Task<LegacyResult> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) });

    /// <summary>The submissions of a get_submissions reply: content is a JSON string of a list of get_submission contents.</summary>
    public static IReadOnlyList<Pull> Pulls(LegacyResult result)
    {
        Assert.Equal(0, result.ReturnCode);
        using var list = JsonDocument.Parse(result.Content.GetString()!);
        Assert.Equal(JsonValueKind.Array, list.RootElement.ValueKind);
        return list.RootElement.EnumerateArray()
            .Select(item => Pull.From(new LegacyResult(0, JsonDocument.Parse(JsonSerializer.Serialize(item.GetRawText())).RootElement, "", HttpStatusCode.OK)))
            .ToList();
    }

    /// <summary>The per-item envelopes of a put_results reply, as raw JSON texts.</summary>
    public static IReadOnlyList<string> ItemReplies(LegacyResult result)
    {
        Assert.Equal(0, result.ReturnCode);
        using var list = JsonDocument.Parse(result.Content.GetString()!);
        return list.RootElement.EnumerateArray().Select(item => item.GetRawText()).ToList();
    }

    static string Wait(double? wait) => wait is { } w ? "&wait=" + w.ToString(CultureInfo.InvariantCulture) : "";

    async Task<LegacyResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using (request)
        using (var response = await http.SendAsync(request, cancellationToken))
        {
            return WatcherClient.Parse(await response.Content.ReadAsStringAsync(cancellationToken), response.StatusCode);
        }
    }

    public void Dispose() => http.Dispose();
}
