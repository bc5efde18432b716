using Microsoft.AspNetCore.Antiforgery;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// Refuses a dashboard POST whose antiforgery token (form field plus cookie, bound to the signed-in user)
/// is missing or wrong: a page elsewhere cannot make an operator's browser reset or delete submissions.
/// Asked by the function gate for every function marked [RequireAntiforgeryToken].
/// </summary>
public sealed class FormGuard(IAntiforgery antiforgery, ILogger<FormGuard> log)
{
    /// <returns>The refusal page, or null when the request carries a valid token.</returns>
    public async Task<IResult?> RefusalAsync(HttpContext http)
    {
        try
        {
            if (!http.Request.HasFormContentType) throw new AntiforgeryValidationException("not a form post");
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            log.LogWarning("Dashboard POST to {Path} refused: missing or invalid antiforgery token", http.Request.Path.Value);
            return new PageResult<MessagePage>(new
            {
                Title = "Request refused",
                Message = "This form has expired or did not come from this dashboard. Go back, reload the page and try again.",
            }, StatusCodes.Status400BadRequest);
        }
    }
}
