using XQueue.Functions.Tests.Storage;
using System.Net;
using Azure.Core;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>Storage that stays down after the retries: a legacy envelope with 503, never a 500 or a hang.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Every_legacy_endpoint_answers_503_in_the_envelope_while_storage_is_down()
    {
        var faults = new StorageFaults();
        await using var service = await TestService.StartAsync(BothSides.Settings(), overrides: faults.AddTo);
        using var client = await RawClient.LoginAsync(service);
        var header = LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue);
        const string unavailable = "{\"return_code\": 1, \"content\": \"Service temporarily unavailable, please try again\"}";

        faults.FailAll = true;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, unavailable), await client.PostFormAsync("/xqueue/submit/", ("xqueue_header", header), ("xqueue_body", "x")));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, unavailable), await client.GetAsync("/xqueue/get_queuelen/?queue_name=test-pull"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, unavailable), await client.GetAsync("/xqueue/get_submission/?queue_name=test-pull"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, unavailable),
            await client.PostFormAsync("/xqueue/put_result/", ("xqueue_header", "{\"submission_id\": 5, \"submission_key\": \"k\"}"), ("xqueue_body", "x")));
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": \"OK\"}"), await client.GetAsync("/xqueue/status/"));

        faults.FailAll = false;
        Assert.Equal((HttpStatusCode.OK, "{\"return_code\": 0, \"content\": 0}"), await client.GetAsync("/xqueue/get_queuelen/?queue_name=test-pull"));
    }

    [Fact]
    public async Task An_unreachable_endpoint_surfaces_as_RequestFailedException_after_the_retries()
    {
        var account = AzuriteAccount.Services(new Dictionary<string, string?>
        {
            [StorageRegistration.Key] = $"AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;" +
                "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1",
        }).GetRequiredService<StorageAccount>();

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => account.GetQueue("unreachable").CreateIfNotExistsAsync());

        Assert.Equal(0, error.Status);
        Assert.DoesNotContain(Azurite.AccountKey, error.ToString());
    }
}
