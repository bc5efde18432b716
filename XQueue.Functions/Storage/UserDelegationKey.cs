namespace XQueue.Functions.Storage;

/// <summary>
/// A key the blob service derived for one Entra ID principal and time window. Its fields (except
/// <see cref="Value"/>) travel in every user delegation SAS so the service can derive the key again;
/// <see cref="Value"/> signs the SAS and is as secret as an account key.
/// </summary>
internal sealed record UserDelegationKey(
    string SignedObjectId,
    string SignedTenantId,
    DateTimeOffset SignedStart,
    DateTimeOffset SignedExpiry,
    string SignedService,
    string SignedVersion,
    byte[] Value)
{
    // Records print every member; the key value must never reach a log or a message.
    bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"SignedObjectId = {SignedObjectId}, SignedTenantId = {SignedTenantId}, ");
        builder.Append($"SignedStart = {SasFormat.Time(SignedStart)}, SignedExpiry = {SasFormat.Time(SignedExpiry)}, ");
        builder.Append($"SignedService = {SignedService}, SignedVersion = {SignedVersion}, Value = (hidden)");
        return true;
    }
}
