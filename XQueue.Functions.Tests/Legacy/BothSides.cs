using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>
/// For wire tests whose one logged-in client plays both the LMS and the grader (as any user could in the
/// original): the LMS user holds the grade role too. Roles and per-queue access have their own tests (Auth/).
/// </summary>
public static class BothSides
{
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { [$"XQueue:Users:{TestService.LmsUser}:Roles"] = "submit,grade" };
        foreach (var (key, value) in more ?? new()) settings[key] = value;
        return settings;
    }
}
