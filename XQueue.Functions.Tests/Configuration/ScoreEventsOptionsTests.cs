using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Configuration;

/// <summary>XQueue:Queues:&lt;name&gt;:Delivery and the XQueue:ScoreEvents section are checked at start-up, their keys named.</summary>
public sealed class ScoreEventsOptionsTests
{
    static XQueueOptions Options(params string[] extra) => Program.Build(
        ["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=", .. extra])
        .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;

    [Theory]
    [InlineData("--XQueue:Queues:test-pull:Delivery=events", "XQueue:Queues:test-pull:Delivery")]
    [InlineData("--XQueue:Queues:test-pull:Delivery=1", "XQueue:Queues:test-pull:Delivery")]
    [InlineData("--XQueue:Queues:test-pull:Delivery=callback,event", "XQueue:Queues:test-pull:Delivery")]
    [InlineData("--XQueue:ScoreEvents:Queue=Score_Events", "XQueue:ScoreEvents:Queue")]
    [InlineData("--XQueue:ScoreEvents:Queue=a", "XQueue:ScoreEvents:Queue")]
    [InlineData("--XQueue:ScoreEvents:Source=", "XQueue:ScoreEvents:Source")]
    [InlineData("--XQueue:ScoreEvents:EventGridEndpoint=http://topic.westeurope-1.eventgrid.azure.net/api/events", "XQueue:ScoreEvents:EventGridEndpoint")]
    [InlineData("--XQueue:ScoreEvents:EventGridEndpoint=topic.westeurope-1.eventgrid.azure.net", "XQueue:ScoreEvents:EventGridEndpoint")]
    [InlineData("--XQueue:ScoreEvents:EventGridKey=@Microsoft.KeyVault(VaultName=kv;SecretName=grid)", "XQueue:ScoreEvents:EventGridKey")]
    public void A_bad_value_is_reported_with_its_key(string setting, string key)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options(setting));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Good_values_are_accepted_and_the_defaults_are_the_legacy_callback()
    {
        var defaults = Options();
        Assert.Equal(ResultChannels.Callback, ScoreEventsOptions.ChannelsOf(defaults, "test-pull"));
        Assert.Equal(("xqueue-score-events", "/xqueue", null), (defaults.ScoreEvents.Queue, defaults.ScoreEvents.Source, defaults.ScoreEvents.EventGridUri));

        var set = Options("--XQueue:Queues:test-pull:Delivery= Both ", "--XQueue:Queues:other:Delivery=event",
            "--XQueue:ScoreEvents:EventGridEndpoint=http://127.0.0.1:7071/api/events", "--XQueue:StoragePrefix=t1");
        Assert.Equal(ResultChannels.Both, ScoreEventsOptions.ChannelsOf(set, "test-pull"));
        Assert.Equal(ResultChannels.Event, ScoreEventsOptions.ChannelsOf(set, "other"));
        Assert.Equal(new Uri("http://127.0.0.1:7071/api/events"), set.ScoreEvents.EventGridUri);
        Assert.Equal(ResultChannels.Both,
            ScoreEventsOptions.ChannelsOf(Options("--XQueue:QueuesJson={\"MITx-6.00x\": {\"Delivery\": \"both\"}}"), "MITx-6.00x"));
        Assert.Contains("XQueue:Queues:MITx-6.00x:Delivery",
            Assert.ThrowsAny<Exception>(() => Options("--XQueue:QueuesJson={\"MITx-6.00x\": {\"Delivery\": \"never\"}}")).Message);
        Assert.Equal("https://t.eventgrid.azure.net/api/events",
            Options("--XQueue:ScoreEvents:EventGridEndpoint=https://t.eventgrid.azure.net/api/events").ScoreEvents.EventGridUri!.AbsoluteUri);
    }
}
