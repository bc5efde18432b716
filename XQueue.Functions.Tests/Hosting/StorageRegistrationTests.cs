using Azure.Identity;
using Microsoft.Extensions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// Which credential and endpoints the AzureWebJobsStorage settings select, decided from configuration
/// alone. Keys are written as the host's environment variables ("__") arrive in configuration (":").
/// </summary>
public sealed class StorageRegistrationTests
{
    static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();

    [Fact]
    public void A_connection_string_selects_shared_key_and_wins_over_an_account_name()
    {
        var choice = StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
            ("AzureWebJobsStorage:accountName", "ignored")));

        Assert.Equal(StorageCredentialKind.SharedKey, choice.CredentialKind);
        Assert.Equal("devstoreaccount1", choice.AccountName);
        Assert.Equal("UseDevelopmentStorage=true", choice.ConnectionString);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), choice.QueueServiceUri);
        Assert.Null(StorageRegistration.CredentialFor(choice));
        Assert.DoesNotContain("UseDevelopmentStorage", choice.ToString());
    }

    [Fact]
    public void An_account_name_selects_the_default_credential_and_public_https_endpoints()
    {
        var choice = StorageRegistration.Choose(Settings(("AzureWebJobsStorage:accountName", "stxqueue")));

        Assert.Equal(StorageCredentialKind.DefaultAzureCredential, choice.CredentialKind);
        Assert.Null(choice.ManagedIdentityClientId);
        Assert.Equal("stxqueue", choice.AccountName);
        Assert.Null(choice.ConnectionString);
        Assert.Equal(new Uri("https://stxqueue.blob.core.windows.net"), choice.BlobServiceUri);
        Assert.Equal(new Uri("https://stxqueue.queue.core.windows.net"), choice.QueueServiceUri);
        Assert.Equal(new Uri("https://stxqueue.table.core.windows.net"), choice.TableServiceUri);
        Assert.IsType<DefaultAzureCredential>(StorageRegistration.CredentialFor(choice));
    }

    [Theory]
    [InlineData("managedidentity")]
    [InlineData("ManagedIdentity")]
    public void Managed_identity_with_a_client_id_selects_that_user_assigned_identity(string credential)
    {
        var choice = StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage:accountName", "stxqueue"),
            ("AzureWebJobsStorage:credential", credential),
            ("AzureWebJobsStorage:clientId", "0f0e0d0c-0b0a-0908-0706-050403020100")));

        Assert.Equal(StorageCredentialKind.ManagedIdentity, choice.CredentialKind);
        Assert.Equal("0f0e0d0c-0b0a-0908-0706-050403020100", choice.ManagedIdentityClientId);
        Assert.IsType<ManagedIdentityCredential>(StorageRegistration.CredentialFor(choice));
    }

    [Fact]
    public void Managed_identity_without_a_client_id_is_the_system_assigned_one()
    {
        var choice = StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage:accountName", "stxqueue"),
            ("AzureWebJobsStorage:credential", "managedidentity")));

        Assert.Equal(StorageCredentialKind.ManagedIdentity, choice.CredentialKind);
        Assert.Null(choice.ManagedIdentityClientId);
        Assert.IsType<ManagedIdentityCredential>(StorageRegistration.CredentialFor(choice));
    }

    [Fact]
    public void Explicit_service_uris_are_honoured()
    {
        var choice = StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage:accountName", "stxqueue"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "0f0e0d0c-0b0a-0908-0706-050403020100"),
            ("AzureWebJobsStorage:blobServiceUri", "https://stxqueue.privatelink.blob.core.windows.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://stxqueue.privatelink.queue.core.windows.net"),
            ("AzureWebJobsStorage:tableServiceUri", "https://stxqueue.privatelink.table.core.windows.net")));

        Assert.Equal(new Uri("https://stxqueue.privatelink.blob.core.windows.net"), choice.BlobServiceUri);
        Assert.Equal(new Uri("https://stxqueue.privatelink.queue.core.windows.net"), choice.QueueServiceUri);
        Assert.Equal(new Uri("https://stxqueue.privatelink.table.core.windows.net"), choice.TableServiceUri);
    }

    [Fact]
    public void A_service_uri_left_out_keeps_its_public_default()
    {
        var choice = StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage:accountName", "stxqueue"),
            ("AzureWebJobsStorage:blobServiceUri", "https://files.example.test")));

        Assert.Equal(new Uri("https://files.example.test"), choice.BlobServiceUri);
        Assert.Equal(new Uri("https://stxqueue.queue.core.windows.net"), choice.QueueServiceUri);
    }

    [Fact]
    public void Neither_setting_is_an_error_naming_AzureWebJobsStorage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageRegistration.Choose(Settings()));

        Assert.Contains("AzureWebJobsStorage", error.Message);
        Assert.Contains("accountName", error.Message);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:blobServiceUri", "not a url", "blobServiceUri")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "http://127.0.0.1:10001/devstoreaccount1", "queueServiceUri")]
    [InlineData("AzureWebJobsStorage:credential", "clientsecret", "credential")]
    public void A_bad_entra_id_setting_is_named(string key, string value, string expectedInMessage)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage:accountName", "stxqueue"), (key, value))));

        Assert.Contains("AzureWebJobsStorage__" + expectedInMessage, error.Message);
    }

    [Fact]
    public void A_bad_connection_string_is_named_without_echoing_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageRegistration.Choose(Settings(
            ("AzureWebJobsStorage", "AccountName=stxqueue;AccountKey=not*base64!secret"))));

        Assert.Contains("AzureWebJobsStorage", error.Message);
        Assert.DoesNotContain("not*base64!secret", error.ToString());
    }
}
