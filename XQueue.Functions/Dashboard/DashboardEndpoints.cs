using XQueue.Functions.Auth;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The dashboard's routes, all under /xqueue/dashboard/. Every page and action needs the admin role
/// (<see cref="AdminPolicy"/>) except the login form and the two static files it uses; every POST
/// carries an antiforgery token (<see cref="FormGuard"/>).
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The Functions host forwards only routes that have a function; these two cover the whole dashboard.</summary>
    public static readonly IReadOnlyList<(string Name, string Route)> Functions =
    [
        ("Dashboard", "xqueue/dashboard"),
        ("DashboardPages", "xqueue/dashboard/{*path}"),
    ];

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(Layout.Root);
        open.MapGet("assets/{file}", DashboardAssets.Serve);
        open.MapGet("login", LoginPage.Show);
        open.MapPost("login", LoginPage.LogIn).AddEndpointFilter<FormGuard>();
        open.MapPost("logout", (Delegate)LoginPage.LogOut).AddEndpointFilter<FormGuard>();

        var admin = app.MapGroup(Layout.Root).RequireAuthorization(EndpointPolicies.Admin);
        admin.MapGet("", OverviewPage.Show);
        admin.MapGet("api/overview", OverviewPage.Json);
        admin.MapGet("submissions", SubmissionListPage.Show);
        admin.MapGet("submissions/{id}", SubmissionDetailPage.Show);
        admin.MapGet("submissions/{id}/files/{index}", SubmissionDetailPage.Download);
        admin.MapPost("actions", ActionsEndpoint.Run).AddEndpointFilter<FormGuard>();
        return app;
    }
}
