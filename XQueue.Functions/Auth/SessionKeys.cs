using Azure.Data.Tables;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Auth;

/// <summary>
/// The session signing key: XQueue:Sessions:SigningKey when configured (production, from Key Vault),
/// otherwise one generated on first start and kept in storage, so all instances and restarts share it.
/// Rotation: the new key goes to SigningKey and the old one to PreviousSigningKeys; sessions signed with
/// either are accepted, new ones are signed with the new key, and the old key can go once its sessions expire.
/// </summary>
public sealed class SessionKeys(StorageAccount storage, IOptions<XQueueOptions> options)
{
    byte[]? current;

    public byte[] Current => current ?? throw new InvalidOperationException("Session keys are not loaded yet.");

    /// <summary>Keys a session may be signed with, the current one first.</summary>
    public IReadOnlyList<byte[]> Accepted { get; private set; } = [];

    public TableClient Table { get; } = storage.GetTable(options.Value.StoragePrefix + "sessions");

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await Table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        if (options.Value.Sessions.SigningKey is { Length: > 0 } configured)
        {
            current = Convert.FromBase64String(configured);
            Accepted = [current, .. CommaList.Entries(options.Value.Sessions.PreviousSigningKeys).Select(Convert.FromBase64String)];
            return;
        }

        var generated = new TableEntity("key", "signing") { ["Value"] = RandomNumberGenerator.GetBytes(32) };
        try
        {
            await Table.AddEntityAsync(generated, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            // Another instance made it first; everyone uses that one.
        }
        var stored = await Table.FindAsync("key", "signing", cancellationToken);
        current = stored?.GetBinary("Value") ?? throw new InvalidOperationException("The session signing key could not be stored.");
        Accepted = [current];
    }
}
