using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Dashboard;

public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        // Antiforgery tokens are data-protected; the key ring is shared through storage so that any
        // instance accepts a form another one served, also after a restart.
        services.AddDataProtection().SetApplicationName("xqueue");
        services.AddOptions<KeyManagementOptions>().Configure<SessionKeys>((options, keys) => options.XmlRepository = new KeyRingTable(keys.Table));
        services.AddAntiforgery(options => options.Cookie.Name = "xqueue-dashboard-af");
        services.AddSingleton<FormGuard>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<HeldSubmissions>();
        services.AddSingleton<SubmissionListing>();
        services.AddSingleton<OperatorActions>();
        // In place of the Auth room's handler, to which it hands every request outside the dashboard.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, DashboardAccess>());
        return services;
    }
}
