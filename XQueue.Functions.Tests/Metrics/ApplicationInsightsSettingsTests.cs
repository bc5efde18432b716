using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>The standard Application Insights settings are checked at start-up with the other options, their key named and their value never quoted.</summary>
public sealed class ApplicationInsightsSettingsTests
{
    const string Key = "00000000-0000-4000-8000-00000000beef";
    const string Loopback = "http://127.0.0.1:9/";

    static string ValidationMessage(params string[] settings)
    {
        var app = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=", .. settings]);
        return Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value).Message;
    }

    [Theory]
    [InlineData("this-is-not-a-connection-string")]
    [InlineData("InstrumentationKey=not-a-guid-secret;IngestionEndpoint=" + Loopback)]
    [InlineData("IngestionEndpoint=" + Loopback)]
    [InlineData("InstrumentationKey=" + Key + ";IngestionEndpoint=not-a-url-secret")]
    [InlineData("InstrumentationKey=" + Key + ";IngestionEndpoint=ftp://127.0.0.1/")]
    [InlineData("InstrumentationKey=" + Key + ";InstrumentationKey=" + Key)]
    public void A_bad_connection_string_stops_the_start_naming_the_setting_without_quoting_it(string connectionString)
    {
        var message = ValidationMessage($"--{ApplicationInsightsSettings.ConnectionStringKey}={connectionString}");
        Assert.Contains(ApplicationInsightsSettings.ConnectionStringKey, message);
        Assert.DoesNotContain("secret", message);
        Assert.DoesNotContain(Key, message);
    }

    [Theory]
    [InlineData("Authorization=ikey")]
    [InlineData("AAD")]
    [InlineData("Authorization=AAD;ClientId=not-a-guid")]
    [InlineData("Authorization=AAD;ClientID=" + Key + ";Credential=ManagedIdentity")]
    public void A_bad_authentication_string_stops_the_start_naming_the_setting(string authentication) =>
        Assert.Contains(ApplicationInsightsSettings.AuthenticationStringKey, ValidationMessage(
            $"--{ApplicationInsightsSettings.ConnectionStringKey}=InstrumentationKey={Key};IngestionEndpoint={Loopback}",
            $"--{ApplicationInsightsSettings.AuthenticationStringKey}={authentication}"));

    [Fact]
    public void An_authentication_string_without_a_connection_string_is_refused() =>
        Assert.Contains(ApplicationInsightsSettings.ConnectionStringKey,
            ValidationMessage($"--{ApplicationInsightsSettings.AuthenticationStringKey}=Authorization=AAD"));

    [Fact]
    public void The_settings_are_not_XQueue_options_an_operator_could_write_twice() =>
        Assert.Contains("XQueue:Metrics:ApplicationInsights", ValidationMessage($"--XQueue:Metrics:ApplicationInsights:ConnectionString=InstrumentationKey={Key}"));

    [Theory]
    [InlineData(null, false, null)]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData("authorization=aad", true, null)]
    [InlineData("Authorization=AAD;ClientId=" + Key, true, Key)]
    public void The_authentication_string_chooses_the_managed_identity(string? authentication, bool entraId, string? clientId)
    {
        var settings = new ApplicationInsightsSettings($"InstrumentationKey={Key};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;", authentication);
        Assert.True(settings.IsValid());
        Assert.Equal((entraId, clientId), (settings.UsesEntraId, settings.ClientId));
        Assert.Equal(new Uri("https://westeurope-5.in.applicationinsights.azure.com/"), settings.IngestionEndpoint);
    }

    [Fact]
    public void Without_an_ingestion_endpoint_the_global_one_is_used_and_without_a_connection_string_none()
    {
        Assert.Equal(new Uri("https://dc.services.visualstudio.com/"), new ApplicationInsightsSettings($"InstrumentationKey={Key}", null).IngestionEndpoint);
        Assert.Null(ApplicationInsightsSettings.None.IngestionEndpoint);
        Assert.False(ApplicationInsightsSettings.None.IsEnabled);
        Assert.True(ApplicationInsightsSettings.None.IsValid());
    }
}
