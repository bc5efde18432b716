using System.Net.Http.Headers;

namespace XQueue.Bench.Rig;

/// <summary>
/// The LMS's XQueueInterface: one requests.Session (keep-alive, cookies, redirects followed, Basic auth
/// for a fronting proxy); a form POST to submit, and on "login_required" a login and one resubmission.
/// </summary>
public sealed class LmsSimulator(IReadOnlyList<Uri> instances, string user, string password) : IDisposable
{
    readonly HttpClient http = Authorized(BenchHttp.NewClient(instances, followRedirects: true));

    /// <summary>Logs in ahead of time, as the LMS's session would have after its first submission.</summary>
    public async Task LoginAsync()
    {
        var (code, content) = await PostAsync("/xqueue/login/", [new("username", user), new("password", password)]);
        if (code != 0) throw new BenchFailure($"LMS login: {content}");
    }

    /// <returns>The queue length the service answered (the learner's position).</returns>
    public async Task<int> SubmitAsync(string header, string body)
    {
        var (code, content) = await PostAsync("/xqueue/submit/", [new("xqueue_header", header), new("xqueue_body", body)]);
        if (code != 0 && content == "login_required")
        {
            await LoginAsync();
            (code, content) = await PostAsync("/xqueue/submit/", [new("xqueue_header", header), new("xqueue_body", body)]);
        }
        if (code != 0) throw new BenchFailure($"submit: {content}");
        return int.Parse(content);
    }

    async Task<(int, string)> PostAsync(string path, KeyValuePair<string, string>[] form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(path, content);
        return await BenchHttp.EnvelopeAsync(response, path);
    }

    static HttpClient Authorized(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("edx:edx"u8.ToArray()));
        return client;
    }

    public void Dispose() => http.Dispose();
}
