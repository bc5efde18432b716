using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Push;

/// <summary>The XQueue:Push section and push queues are checked at start-up, each message naming its key.</summary>
public sealed class PushOptionsTests
{
    static XQueueOptions Options(params string[] extra) => Program.Build(
        ["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=",
         "--XQueue:Queues:graded:PushUrl=https://grader.example.org/grade", .. extra])
        .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;

    [Theory]
    [InlineData("--XQueue:Push:Concurrency=0", "XQueue:Push:Concurrency")]
    [InlineData("--XQueue:Push:Concurrency=65", "XQueue:Push:Concurrency")]
    [InlineData("--XQueue:Push:Timeout=00:00:00.500", "XQueue:Push:Timeout")]
    [InlineData("--XQueue:Push:RetryBase=00:00:00.500", "XQueue:Push:RetryBase")]
    [InlineData("--XQueue:Push:RetryMax=00:00:05", "XQueue:Push:RetryMax")] // below the default RetryBase (10 s)
    [InlineData("--XQueue:Push:Recheck=00:00:00", "XQueue:Push:Recheck")]
    [InlineData("--XQueue:Push:Loops=sometimes", "XQueue:Push:Loops")]
    [InlineData("--XQueue:MaxFailures=0", "XQueue:MaxFailures must be at least 1 when a push queue is declared")]
    [InlineData("--XQueue:Queues:graded:PushUrl=ftp://grader.example.org/", "XQueue:Queues:graded:PushUrl")]
    [InlineData("--XQueue:Queues:graded:PushUrl=/grade", "XQueue:Queues:graded:PushUrl")]
    public void A_bad_value_is_reported_with_its_key(string setting, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options(setting));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("--XQueue:ProcessingDelay=00:00:59")]
    [InlineData("--XQueue:Queues:graded:ProcessingDelay=00:00:20")]
    public void The_push_timeout_must_fit_twice_in_the_processing_delay_of_each_push_queue(string delay)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options(delay));
        Assert.Contains("XQueue:Push:Timeout (00:00:30) must be at most half of the processing delay of push queue 'graded'", error.Message);
    }

    [Fact]
    public void The_defaults_are_the_documented_ones_and_fit_the_default_delay()
    {
        var push = Options().Push;
        Assert.Equal(4, push.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), push.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), push.RetryBase);
        Assert.Equal(TimeSpan.FromMinutes(5), push.RetryMax);
        Assert.Equal(TimeSpan.FromSeconds(5), push.Recheck);
        Assert.True(push.Loops);
        // Pull queues are not held to the push timeout.
        Assert.Equal(TimeSpan.FromSeconds(10), Options("--XQueue:Queues:test-pull:ProcessingDelay=00:00:10").ProcessingDelayOf("test-pull"));
    }
}
