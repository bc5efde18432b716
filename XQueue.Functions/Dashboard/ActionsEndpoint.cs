using System.Text;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;
using static XQueue.Functions.Dashboard.Layout;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The one POST that changes submissions: an action and one or more ids, each run on its own and answered
/// row by row (a reset of a pulled submission is skipped with its reason, the others go ahead). Delete is
/// for the configured super-admins only.
/// </summary>
public static class ActionsEndpoint
{
    const int MaxIds = 200;

    public static async Task<IResult> Run(HttpContext http, OperatorActions actions, IOptions<XQueueOptions> options)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var action = form["action"].ToString();
        var actor = http.User.Identity!.Name!;
        if (!OperatorActions.All.Contains(action)) return Refused(http, $"Unknown action '{action}'.", 400);
        if (action == OperatorActions.Delete && !options.Value.Dashboard.SuperAdminNames.Contains(actor))
        {
            return Refused(http, "Only a super-admin (XQueue:Dashboard:SuperAdmins) may delete submissions.", 403);
        }
        var ids = new List<long>();
        foreach (var value in form["id"])
        {
            if (!long.TryParse(value, out var id) || !SubmissionId.IsValid(id)) return Refused(http, $"'{value}' is not a submission id.", 400);
            ids.Add(id);
        }
        if (ids.Count == 0) return Refused(http, "Select at least one submission.", 400);
        if (ids.Count > MaxIds) return Refused(http, $"At most {MaxIds} submissions at once.", 400);

        var html = new StringBuilder($"<p class=\"message\">Action <b>{E(action)}</b> on {ids.Count} submission(s):</p>");
        html.Append("<table id=\"outcomes\"><thead><tr><th>Submission</th><th>Outcome</th></tr></thead><tbody>");
        foreach (var id in ids.Distinct())
        {
            var outcome = await actions.RunAsync(action, id, actor, http.RequestAborted);
            var css = outcome.Done ? "outcome-done" : "outcome-skipped";
            html.Append($"<tr data-id=\"{id}\"><td><a href=\"{Root}submissions/{id}\">{id}</a></td>")
                .Append($"<td class=\"{css}\">{(outcome.Done ? "done" : "skipped")}: {E(outcome.Message)}</td></tr>");
        }
        html.Append($"</tbody></table><p><a href=\"{Root}submissions\">Back to the submissions</a> · <a href=\"{Root}\">Queues and audit log</a></p>");
        return Page(http, "Action results", html.ToString());
    }

    static IResult Refused(HttpContext http, string message, int status) =>
        Page(http, "Action refused", $"<p class=\"message error\">{E(message)}</p>", status);
}
