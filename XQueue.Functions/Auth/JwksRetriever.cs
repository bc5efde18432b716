using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace XQueue.Functions.Auth;

/// <summary>
/// Reads a bare JWKS document (the LMS serves one at <c>/oauth2/jwks</c>, outside any OpenID discovery
/// document) into the configuration type the JWT bearer handler refreshes and caches.
/// </summary>
public sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var jwks = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
        var configuration = new OpenIdConnectConfiguration();
        foreach (var key in BearerTokenValidation.AsymmetricKeys(jwks)) configuration.SigningKeys.Add(key);
        return configuration;
    }

    public static ConfigurationManager<OpenIdConnectConfiguration> For(Uri jwksUrl) => new(
        jwksUrl.AbsoluteUri, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = !jwksUrl.IsLoopback })
    {
        AutomaticRefreshInterval = TimeSpan.FromHours(24),
        RefreshInterval = TimeSpan.FromMinutes(5), // the least time between refreshes forced by an unknown key id
    };
}
