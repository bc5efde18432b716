namespace XQueue.Functions.Storage;

/// <summary>
/// A blob service SAS in the sv=2024-11-04 layout (16 string-to-sign fields). Only what the read link
/// needs is filled in; the other fields are signed as the empty lines the layout requires.
/// </summary>
internal sealed record BlobServiceSas(
    string AccountName,
    string ContainerName,
    string BlobName,
    string Permissions,
    DateTimeOffset? StartsOn,
    DateTimeOffset ExpiresOn)
{
    public const string Version = "2024-11-04";
    public const string SignedResource = "b";

    public string StringToSign() => string.Join('\n',
        Permissions,
        StartsOn is { } start ? SasFormat.Time(start) : "",
        SasFormat.Time(ExpiresOn),
        $"/blob/{AccountName}/{ContainerName}/{BlobName}", // the account once, even on path-style URLs
        "",            // si: no stored access policy
        "",            // sip
        "",            // spr: left open so the link also works over the emulator's http
        Version,
        SignedResource,
        "",            // snapshot time or version id
        "",            // ses
        "", "", "", "", ""); // rscc, rscd, rsce, rscl, rsct

    /// <summary>The query string (without '?') carrying the fields and the signature made with <paramref name="accountKey"/>.</summary>
    public string ToQuery(byte[] accountKey)
    {
        var parameters = new List<(string Name, string Value)> { ("sv", Version) };
        if (StartsOn is { } start) parameters.Add(("st", SasFormat.Time(start)));
        parameters.Add(("se", SasFormat.Time(ExpiresOn)));
        parameters.Add(("sr", SignedResource));
        parameters.Add(("sp", Permissions));
        parameters.Add(("sig", StorageSignature.Compute(accountKey, StringToSign())));
        return SasFormat.Query(parameters);
    }
}
