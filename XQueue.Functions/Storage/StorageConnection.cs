namespace XQueue.Functions.Storage;

/// <summary>
/// Where a storage account lives and how to sign for it. <see cref="AccountKey"/> is null when the
/// account is reached with an Entra ID token instead of Shared Key.
/// </summary>
public sealed record StorageConnection(
    string AccountName, byte[]? AccountKey, Uri BlobEndpoint, Uri QueueEndpoint, Uri TableEndpoint)
{
    internal const string DevelopmentAccountName = "devstoreaccount1";

    // The emulator's published, well-known key: not a secret.
    internal const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    const string DefaultEndpointSuffix = "core.windows.net";

    /// <summary>
    /// Parses "UseDevelopmentStorage=true" or the AccountName/AccountKey/EndpointSuffix form; explicit
    /// Blob/Queue/TableEndpoint settings win over derived ones. Throws <see cref="FormatException"/>.
    /// </summary>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ConnectionStringSettings.Read(connectionString);

        if (settings.TryGet("UseDevelopmentStorage", out var useDevelopment))
        {
            if (!string.Equals(useDevelopment, "true", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("UseDevelopmentStorage must be 'true' when present.");
            if (settings.Count != 1)
                throw new FormatException("UseDevelopmentStorage=true cannot be combined with other settings.");
            return Development();
        }

        if (!settings.TryGet("AccountName", out var accountName) || accountName.Length == 0)
            throw new FormatException("The connection string has no AccountName.");

        var accountKey = settings.TryGet("AccountKey", out var keyText) ? DecodeKey(keyText) : null;

        var protocol = settings.TryGet("DefaultEndpointsProtocol", out var protocolText) ? protocolText.ToLowerInvariant() : "https";
        if (protocol is not ("http" or "https"))
            throw new FormatException("DefaultEndpointsProtocol must be 'http' or 'https'.");

        var suffix = settings.TryGet("EndpointSuffix", out var suffixText) ? suffixText.Trim('.') : DefaultEndpointSuffix;
        if (suffix.Length == 0) throw new FormatException("EndpointSuffix is empty.");

        Uri EndpointFor(string service, string settingName) =>
            settings.TryGet(settingName, out var explicitEndpoint)
                ? ParseEndpoint(explicitEndpoint, settingName)
                : ParseEndpoint($"{protocol}://{accountName}.{service}.{suffix}", "AccountName/EndpointSuffix");

        return new StorageConnection(
            accountName,
            accountKey,
            EndpointFor("blob", "BlobEndpoint"),
            EndpointFor("queue", "QueueEndpoint"),
            EndpointFor("table", "TableEndpoint"));
    }

    /// <summary>An account reached with an Entra ID token: no key, public-cloud endpoints unless given.</summary>
    public static StorageConnection ForAccount(
        string accountName, Uri? blobEndpoint = null, Uri? queueEndpoint = null, Uri? tableEndpoint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        Uri Default(string service) => new($"https://{accountName}.{service}.{DefaultEndpointSuffix}");
        return new StorageConnection(
            accountName,
            null,
            blobEndpoint ?? Default("blob"),
            queueEndpoint ?? Default("queue"),
            tableEndpoint ?? Default("table"));
    }

    static StorageConnection Development() => new(
        DevelopmentAccountName,
        Convert.FromBase64String(DevelopmentAccountKey),
        new Uri($"http://127.0.0.1:10000/{DevelopmentAccountName}"),
        new Uri($"http://127.0.0.1:10001/{DevelopmentAccountName}"),
        new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"));

    static byte[] DecodeKey(string keyText)
    {
        try
        {
            var key = Convert.FromBase64String(keyText);
            if (key.Length == 0) throw new FormatException("AccountKey is empty.");
            return key;
        }
        catch (FormatException)
        {
            // The key itself must never reach a message or a log, so the original exception (which
            // may describe the offending characters) is not chained either.
            throw new FormatException("AccountKey is not valid base64.");
        }
    }

    static Uri ParseEndpoint(string text, string settingName)
    {
        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new FormatException($"{settingName} does not give an absolute http(s) endpoint without query.");
        }
        return uri;
    }

    // Records print every member; say plainly that the key is withheld rather than relying on byte[]'s ToString.
    bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"AccountName = {AccountName}, AccountKey = {(AccountKey is null ? "none" : "(hidden)")}, ");
        builder.Append($"BlobEndpoint = {BlobEndpoint}, QueueEndpoint = {QueueEndpoint}, TableEndpoint = {TableEndpoint}");
        return true;
    }
}
