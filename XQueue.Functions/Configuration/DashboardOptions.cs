using XQueue.Functions.Auth;

namespace XQueue.Functions.Configuration;

/// <summary>The <c>XQueue:Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    /// <summary>Comma list of users who may delete submissions; each must be a configured user with the admin role.</summary>
    [CommaSeparated("ops-1,ops-2")]
    public string? SuperAdmins { get; set; }

    public IReadOnlyList<string> SuperAdminNames => CommaList.Entries(SuperAdmins);

    public void Validate(XQueueOptions options, List<string> errors)
    {
        foreach (var name in SuperAdminNames)
        {
            if (!options.Users.TryGetValue(name, out var user))
            {
                errors.Add($"XQueue:Dashboard:SuperAdmins names '{name}', who is not a configured user (XQueue:Users:{name}).");
            }
            else if (!Roles.Parse(user.Roles).Contains(Roles.Admin))
            {
                errors.Add($"XQueue:Dashboard:SuperAdmins names '{name}', who lacks the admin role (XQueue:Users:{name}:Roles).");
            }
        }
    }
}
