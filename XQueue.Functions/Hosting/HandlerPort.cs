namespace XQueue.Functions.Hosting;

/// <summary>
/// Where Kestrel listens. Under the Functions host the port comes from FUNCTIONS_CUSTOMHANDLER_PORT
/// (loopback only: the host is the sole caller). Standalone it is --urls, defaulting to the port the
/// LMS and xqueue-watcher use by default.
/// </summary>
public static class HandlerPort
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string DefaultUrl = "http://127.0.0.1:18040";

    public static bool IsUnderFunctionsHost(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[PortVariable]);

    public static WebApplicationBuilder ListenWhereTheHostSays(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration[PortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            if (!int.TryParse(port, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{PortVariable} must be a TCP port number (got '{port}').");
            }
            builder.WebHost.UseUrls($"http://127.0.0.1:{number}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        return builder;
    }
}
