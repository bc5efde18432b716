using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The page shell and the only ways text reaches the HTML: <see cref="E"/> encodes everything that did not
/// come from this file (learner code, grader replies, LMS headers, queue names, query values).
/// </summary>
public static class Layout
{
    public const string Root = "/xqueue/dashboard/";

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Time(DateTimeOffset? at) =>
        at is { } t && t > DateTimeOffset.MinValue ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public static string Age(TimeSpan? age) => age switch
    {
        null => "—",
        { TotalSeconds: < 120 } a => $"{a.TotalSeconds:F0} s",
        { TotalMinutes: < 120 } a => $"{a.TotalMinutes:F0} min",
        { TotalHours: < 48 } a => $"{a.TotalHours:F1} h",
        var a => $"{a.Value.TotalDays:F1} d",
    };

    /// <summary>The hidden field every POST form carries (ASP.NET Core antiforgery, checked by <see cref="FormGuard"/>).</summary>
    public static string TokenField(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    public static IResult Page(HttpContext http, string title, string body, int status = 200)
    {
        var user = http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>{E(title)} · XQueue</title>")
            .Append($"<link rel=\"stylesheet\" href=\"{Root}assets/dashboard.css\"><script src=\"{Root}assets/dashboard.js\" defer></script></head><body>")
            .Append($"<header><a class=\"brand\" href=\"{Root}\">XQueue operator dashboard</a>");
        if (user is not null)
        {
            html.Append($"<nav><a href=\"{Root}\">Queues</a><a href=\"{Root}submissions\">Submissions</a>")
                .Append($"<a href=\"{Root}submissions?status=failed\">Failed</a></nav>")
                .Append($"<form method=\"post\" action=\"{Root}logout\" class=\"who\">{E(user)} {TokenField(http)}<button>Log out</button></form>");
        }
        html.Append($"</header><main><h1>{E(title)}</h1>").Append(body).Append("</main></body></html>");
        return new HtmlResult(html.ToString(), status);
    }

    sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            var headers = http.Response.Headers;
            // Learner content is shown on these pages: no script but ours, no framing, nothing cached.
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "same-origin";
            return http.Response.WriteAsync(html, http.RequestAborted);
        }
    }
}
