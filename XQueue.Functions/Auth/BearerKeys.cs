using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// The validation parameters in force: the configured keys, plus the LMS's JWKS when it comes from a URL
/// (fetched and cached by <see cref="ConfigurationManager{T}"/>; the parameters are rebuilt only when it
/// hands out a new document, so a request costs no fetch and no copy).
/// </summary>
public sealed class BearerKeys
{
    readonly TokenValidationParameters configured;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? lmsJwks;
    (OpenIdConnectConfiguration Document, TokenValidationParameters Parameters)? current;

    public BearerKeys(IOptions<XQueueOptions> options)
    {
        configured = BearerTokenValidation.Parameters(options.Value.Jwt);
        if (Uri.TryCreate(options.Value.Jwt.LmsJwksUrl, UriKind.Absolute, out var url)) lmsJwks = JwksRetriever.For(url);
    }

    public async Task<TokenValidationParameters> ParametersAsync(CancellationToken cancellationToken)
    {
        if (lmsJwks is null) return configured;
        var document = await lmsJwks.GetConfigurationAsync(cancellationToken);
        if (current is { } known && ReferenceEquals(known.Document, document)) return known.Parameters;
        var parameters = configured.Clone();
        parameters.IssuerSigningKeys = [.. configured.IssuerSigningKeys ?? [], .. document.SigningKeys];
        current = (document, parameters);
        return parameters;
    }

    /// <summary>A token named a key we do not know: the LMS may have rotated; fetch again (rate-limited by the manager).</summary>
    public void RequestRefresh() => lmsJwks?.RequestRefresh();
}
