using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// The app's storage registration for <c>AzureWebJobsStorage__accountName=myacct</c> (Entra ID), with a made-up
/// token and a transport that plays the service: what the clients send is recorded, nothing leaves the process.
/// </summary>
internal static class EntraAccount
{
    public const string Name = "myacct";

    public static StorageAccount Create(RecordingHandler handler, FixedTokenCredential credential, TimeProvider? clock = null) =>
        AzuriteAccount.Services(new Dictionary<string, string?> { [StorageRegistration.Key + ":accountName"] = Name }, services =>
        {
            services.AddSingleton(new StorageCredential(credential));
            if (clock is not null) services.AddSingleton(clock);
            StoragePipeline.Settings(services).Transport = handler.Transport();
        }).GetRequiredService<StorageAccount>();
}
