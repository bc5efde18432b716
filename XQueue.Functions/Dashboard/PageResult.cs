using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// A dashboard page as an <see cref="IResult"/>: the Razor component <typeparamref name="TPage"/> rendered by
/// ASP.NET Core's <see cref="HtmlRenderer"/> (static rendering: no circuit, no interactivity), so every value
/// reaches the HTML encoded unless markup says otherwise. It is an ordinary IResult executed against the
/// HttpContext, as standalone Kestrel and the Functions ASP.NET Core integration both do.
/// <see cref="RazorComponentResult"/> would need the whole Blazor endpoint stack (AddRazorComponents) in both
/// hosts for pages that use none of it, and would set the headers below only by wrapping it.
/// </summary>
/// <param name="parameters">An object whose properties are the page's [Parameter]s, as RazorComponentResult takes them.</param>
public sealed class PageResult<TPage>(object? parameters = null, int status = StatusCodes.Status200OK) : IResult where TPage : IComponent
{
    public async Task ExecuteAsync(HttpContext http)
    {
        // Rendered in full before anything is sent: the antiforgery field sets its cookie while rendering.
        var html = await RenderAsync(http);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var headers = http.Response.Headers;
        // Learner content is shown on these pages: no script but ours, no framing, nothing cached.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "same-origin";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    async Task<string> RenderAsync(HttpContext http)
    {
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        // The request cascades to every component (the shell's user, the forms' antiforgery field), as it does in Blazor's static rendering.
        RenderFragment page = builder =>
        {
            builder.OpenComponent<TPage>(0);
            foreach (var (name, value) in Parameters()) builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        };
        var root = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(CascadingValue<HttpContext>.Value)] = http,
            [nameof(CascadingValue<HttpContext>.IsFixed)] = true,
            [nameof(CascadingValue<HttpContext>.ChildContent)] = page,
        });
        return await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<CascadingValue<HttpContext>>(root)).ToHtmlString());
    }

    IEnumerable<(string, object?)> Parameters() =>
        parameters?.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (p.Name, p.GetValue(parameters))) ?? [];
}
