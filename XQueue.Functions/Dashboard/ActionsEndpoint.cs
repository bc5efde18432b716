using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

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
        if (!OperatorActions.All.Contains(action)) return Refused($"Unknown action '{action}'.", 400);
        if (action == OperatorActions.Delete && !options.Value.Dashboard.SuperAdminNames.Contains(actor))
        {
            return Refused("Only a super-admin (XQueue:Dashboard:SuperAdmins) may delete submissions.", 403);
        }
        var ids = new List<long>();
        foreach (var value in form["id"])
        {
            if (!long.TryParse(value, out var id) || !SubmissionId.IsValid(id)) return Refused($"'{value}' is not a submission id.", 400);
            ids.Add(id);
        }
        if (ids.Count == 0) return Refused("Select at least one submission.", 400);
        if (ids.Count > MaxIds) return Refused($"At most {MaxIds} submissions at once.", 400);

        var outcomes = new List<ActionOutcome>();
        foreach (var id in ids.Distinct()) outcomes.Add(await actions.RunAsync(action, id, actor, http.RequestAborted));
        return new PageResult<ActionOutcomesPage>(new { Action = action, Asked = ids.Count, Outcomes = outcomes });
    }

    static IResult Refused(string message, int status) =>
        new PageResult<MessagePage>(new { Title = "Action refused", Message = message }, status);
}
