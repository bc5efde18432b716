using System.Security.Claims;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Auth;

/// <summary>
/// Who may do what on which queue, from configuration alone (no storage call on the request path).
/// A right comes from a role (session users) or a scope (tokens); a queue's Submitters/Graders list
/// narrows who may use it (an empty list: everyone holding the right); a token's <c>queues</c> claim
/// narrows the token further. In legacy permissive mode any session user may do anything, as in the original.
/// </summary>
public sealed class QueueAccess
{
    /// <summary>Claim of a token that names the only queues it may be used on.</summary>
    public const string QueuesClaim = "queues";

    readonly Dictionary<string, (PrincipalList Submitters, PrincipalList Graders)> queues;
    readonly bool permissive;

    public QueueAccess(IOptions<XQueueOptions> options)
    {
        permissive = options.Value.LegacyPermissive;
        queues = options.Value.Queues.ToDictionary(
            queue => queue.Key,
            queue => (PrincipalList.Parse(queue.Value.Submitters), PrincipalList.Parse(queue.Value.Graders)),
            StringComparer.Ordinal);
    }

    public static bool IsSession(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: SessionAuthenticationHandler.Scheme };

    /// <summary>The right at all, on some queue: what the endpoint's policy checks before any queue is known.</summary>
    public bool Holds(ClaimsPrincipal user, Right right)
    {
        if (user.Identity?.IsAuthenticated != true) return false;
        if (IsSession(user)) return permissive || user.IsInRole(Rights.RoleFor(right));
        return Scopes.Has(user, Rights.ScopeFor(right));
    }

    /// <summary>The right on this queue. Unknown queues are allowed here: the endpoint answers "not found" itself.</summary>
    public bool Allows(ClaimsPrincipal user, Right right, string queue)
    {
        if (!Holds(user, right)) return false;
        if (IsSession(user) && permissive) return true;
        if (!IsSession(user) && user.FindAll(QueuesClaim).ToList() is { Count: > 0 } only &&
            !only.Any(claim => CommaList.Entries(claim.Value).Contains(queue, StringComparer.Ordinal)))
        {
            return false;
        }
        if (!queues.TryGetValue(queue, out var lists)) return true;
        return (right == Right.Submit ? lists.Submitters : lists.Graders).Contains(user);
    }
}
