namespace XQueue.Functions.Configuration;

/// <summary>
/// The two standard Application Insights settings (docs/metrics.md, "Telemetry in Application Insights"), read from the configuration root under the
/// names the Functions host, the portal and every Azure SDK use, so one pair of app settings serves host and app.
/// A connection string turns the export on; the authentication string makes it use Entra ID with the app's managed
/// identity, which a component with local authentication off requires.
/// </summary>
/// <remarks>
/// Neither value is ever logged or quoted in an error: a connection string of a component with local auth on is
/// all it takes to write into it.
/// </remarks>
public sealed class ApplicationInsightsSettings(string? connectionString, string? authenticationString)
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Where the exporter posts when the connection string names no ingestion endpoint.</summary>
    static readonly Uri DefaultIngestion = new("https://dc.services.visualstudio.com/");

    static readonly HashSet<string> AuthenticationKeys = new(["Authorization", "ClientId"], StringComparer.OrdinalIgnoreCase);

    // The exporter refuses longer ones.
    const int MaxLength = 4096;

    public static readonly ApplicationInsightsSettings None = new(null, null);

    public static ApplicationInsightsSettings Read(IConfiguration configuration) => new(
        Trimmed(configuration[ConnectionStringKey]), Trimmed(configuration[AuthenticationStringKey]));

    // A class, not a record: a record's ToString would print the connection string into whatever logs it.
    public string? ConnectionString { get; } = connectionString;

    public string? AuthenticationString { get; } = authenticationString;

    public bool IsEnabled => ConnectionString is not null;

    /// <summary>Entra ID with a managed identity (<c>Authorization=AAD</c>), rather than the instrumentation key alone.</summary>
    public bool UsesEntraId => Authentication() is { Aad: true };

    /// <summary>The user-assigned identity named by <c>ClientId=</c>; null for the system-assigned one.</summary>
    public string? ClientId => Authentication()?.ClientId;

    /// <summary>Where telemetry is posted (the track endpoint is <c>v2.1/track</c> under it); null when the export is off.</summary>
    public Uri? IngestionEndpoint => !IsEnabled ? null
        : Pairs(ConnectionString)?.GetValueOrDefault("IngestionEndpoint") is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var url) ? url
        : DefaultIngestion;

    /// <summary>Both settings checked as the exporter will read them; every message names its key.</summary>
    public bool IsValid() => Problems().Count == 0;

    public void Validate(List<string> errors) => errors.AddRange(Problems());

    List<string> Problems()
    {
        var problems = new List<string>();
        if (ConnectionString is not null)
        {
            var pairs = ConnectionString.Length <= MaxLength ? Pairs(ConnectionString) : null;
            if (pairs is null || !Guid.TryParse(pairs.GetValueOrDefault("InstrumentationKey"), out _))
            {
                problems.Add($"{ConnectionStringKey} must be the component's connection string, " +
                    "InstrumentationKey=<guid>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/;... (as the portal shows it).");
            }
            foreach (var key in new[] { "IngestionEndpoint", "LiveEndpoint" })
            {
                if (pairs?.GetValueOrDefault(key) is { } value &&
                    !(Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                {
                    problems.Add($"{ConnectionStringKey} has a {key} that is not an absolute http(s) URL.");
                }
            }
        }
        if (AuthenticationString is not null)
        {
            if (Authentication() is not { Aad: true, ClientIdValid: true })
            {
                problems.Add($"{AuthenticationStringKey} must be Authorization=AAD (the system-assigned managed identity) " +
                    "or Authorization=AAD;ClientId=<guid> (a user-assigned one).");
            }
            if (ConnectionString is null)
            {
                problems.Add($"{AuthenticationStringKey} is set but {ConnectionStringKey} is not: nothing would be sent.");
            }
        }
        return problems;
    }

    (bool Aad, string? ClientId, bool ClientIdValid)? Authentication()
    {
        // Any other key is a slip that would otherwise be ignored.
        if (Pairs(AuthenticationString) is not { } pairs || pairs.Keys.Any(key => !AuthenticationKeys.Contains(key))) return null;
        var clientId = pairs.GetValueOrDefault("ClientId");
        return (string.Equals(pairs.GetValueOrDefault("Authorization"), "AAD", StringComparison.OrdinalIgnoreCase),
            clientId, clientId is null || Guid.TryParse(clientId, out _));
    }

    /// <summary>
    /// <c>key=value</c> pairs separated by <c>;</c> (keys case-insensitive, a trailing <c>;</c> allowed), as Azure
    /// connection strings are written; null when a part is not a pair or a key repeats.
    /// </summary>
    static Dictionary<string, string>? Pairs(string? text)
    {
        if (text is null) return null;
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0 || !pairs.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim())) return null;
        }
        return pairs.Count > 0 ? pairs : null;
    }

    static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
