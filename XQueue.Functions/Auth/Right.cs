namespace XQueue.Functions.Auth;

/// <summary>What a principal may do. A session user holds a right through a role, a token through a scope.</summary>
public enum Right
{
    Submit,
    Grade,
    Admin,
}

public static class Rights
{
    public static string RoleFor(Right right) => right switch
    {
        Right.Submit => Roles.Submit,
        Right.Grade => Roles.Grade,
        _ => Roles.Admin,
    };

    public static string ScopeFor(Right right) => right switch
    {
        Right.Submit => Scopes.Submit,
        Right.Grade => Scopes.Score,
        _ => Scopes.Admin,
    };
}
