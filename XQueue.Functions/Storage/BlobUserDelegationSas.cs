namespace XQueue.Functions.Storage;

/// <summary>
/// A blob user delegation SAS in the layout for 2020-12-06 ≤ sv &lt; 2025-07-05 (24 string-to-sign
/// fields), signed with a key from Get User Delegation Key instead of the account key. Only what the
/// read link needs is filled in; the other fields are signed as the empty lines the layout requires.
/// </summary>
internal sealed record BlobUserDelegationSas(
    string AccountName,
    string ContainerName,
    string BlobName,
    string Permissions,
    DateTimeOffset ExpiresOn,
    UserDelegationKey Key)
{
    // Pinned with the REST version: from 2025-07-05 on, the layout gains two fields after scid.
    public const string Version = BlobServiceSas.Version;
    public const string SignedResource = BlobServiceSas.SignedResource;

    public string StringToSign() => string.Join('\n',
        Permissions,
        "",            // st: none, so clock skew cannot make a fresh link unusable
        SasFormat.Time(ExpiresOn),
        $"/blob/{AccountName}/{ContainerName}/{BlobName}", // the account once, even on path-style URLs
        Key.SignedObjectId,
        Key.SignedTenantId,
        SasFormat.Time(Key.SignedStart),
        SasFormat.Time(Key.SignedExpiry),
        Key.SignedService,
        Key.SignedVersion,
        "",            // saoid: no authorized object id
        "",            // suoid: no unauthorized object id
        "",            // scid: no correlation id
        "",            // sip
        "",            // spr: left open, like the service SAS
        Version,
        SignedResource,
        "",            // snapshot time
        "",            // ses
        "", "", "", "", ""); // rscc, rscd, rsce, rscl, rsct

    /// <summary>The query string (without '?') carrying the key's fields and the signature made with its value.</summary>
    public string ToQuery() => SasFormat.Query(
    [
        ("sv", Version),
        ("se", SasFormat.Time(ExpiresOn)),
        ("sr", SignedResource),
        ("sp", Permissions),
        ("skoid", Key.SignedObjectId),
        ("sktid", Key.SignedTenantId),
        ("skt", SasFormat.Time(Key.SignedStart)),
        ("ske", SasFormat.Time(Key.SignedExpiry)),
        ("sks", Key.SignedService),
        ("skv", Key.SignedVersion),
        ("sig", StorageSignature.Compute(Key.Value, StringToSign())),
    ]);
}
