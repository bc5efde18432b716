namespace XQueue.Functions.Hosting;

/// <summary>
/// The app's builder, for the service and the operator commands alike, so both read the same settings.
/// Its content root (where appsettings.json is found) is the app's own folder, wherever the process is
/// started from: ASP.NET Core's default, the working directory, made <c>dotnet /srv/xqueue/XQueue.Functions.dll</c>
/// run without its appsettings.json and log every request at Information. An operator who names a content
/// root (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or <c>DOTNET_CONTENTROOT</c>) keeps it.
/// </summary>
public static class AppBuilder
{
    public static WebApplicationBuilder Create(string[] args) => WebApplication.CreateSlimBuilder(new WebApplicationOptions
    {
        Args = args,
        // The builder refuses a ContentRootPath that differs from a configured one, so it is set only when none is.
        ContentRootPath = OperatorContentRoot(args) is null ? AppContext.BaseDirectory : null,
    });

    // The host reads its content root from these sources, in this order (later ones win).
    static string? OperatorContentRoot(string[] args) => new ConfigurationBuilder()
        .AddEnvironmentVariables("DOTNET_")
        .AddEnvironmentVariables("ASPNETCORE_")
        .AddCommandLine(args)
        .Build()[HostDefaults.ContentRootKey];
}
