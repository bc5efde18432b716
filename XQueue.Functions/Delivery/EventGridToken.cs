using Azure.Core;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Entra ID access tokens for Event Grid (scope https://eventgrid.azure.net/.default) from the app's own
/// credential (the managed identity it uses for storage), reused until five minutes before they expire.
/// </summary>
public sealed class EventGridToken(TokenCredential credential, TimeProvider time)
{
    static readonly TokenRequestContext Scope = new(["https://eventgrid.azure.net/.default"]);
    static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    readonly SemaphoreSlim refreshing = new(1, 1);
    AccessToken current;

    bool Fresh() => current.Token is not null && current.ExpiresOn > time.GetUtcNow() + RefreshMargin;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh()) return current.Token;
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (!Fresh()) current = await credential.GetTokenAsync(Scope, cancellationToken);
            return current.Token;
        }
        finally
        {
            refreshing.Release();
        }
    }
}
