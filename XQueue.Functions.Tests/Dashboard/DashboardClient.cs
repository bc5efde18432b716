using System.Net;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>
/// An operator's browser without the browser: cookies, no automatic redirects, and forms posted with the
/// antiforgery token read from the page that showed them (as a browser sends it).
/// </summary>
public sealed partial class DashboardClient(Uri server) : IDisposable
{
    public const string Root = "/xqueue/dashboard/";
    readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server };

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public async Task<string> PageAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }

    /// <returns>The response to the login POST (a 302 to the dashboard when it worked).</returns>
    public async Task<HttpResponseMessage> LogInAsync(string user, string password)
    {
        var token = Token(await PageAsync(Root + "login"));
        return await http.PostAsync(Root + "login", Form(("username", user), ("password", password), ("next", Root), (TokenField, token)));
    }

    /// <summary>Posts an action with a token taken from <paramref name="tokenPage"/> (any dashboard page).</summary>
    public async Task<HttpResponseMessage> ActAsync(string action, IEnumerable<long> ids, string tokenPage = Root)
    {
        var token = Token(await PageAsync(tokenPage));
        return await PostAsync(Root + "actions", [("action", action), .. ids.Select(id => ("id", id.ToString())), (TokenField, token)]);
    }

    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<(string, string)> fields) => http.PostAsync(path, Form([.. fields]));

    public const string TokenField = "__RequestVerificationToken";

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no antiforgery token on the page");

    static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => http.Dispose();
}
