using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// Submit sends the work message just before it inserts the submission. A grader polling in between must
/// get the submission as soon as the insert lands, not find it set aside for seconds.
/// </summary>
public sealed class PullDuringSubmitTests
{
    /// <summary>Holds every submission insert back for a while, so that a poll lands between the two writes.</summary>
    sealed class SlowSubmissionInserts(TimeSpan delay) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("submissions", StringComparison.Ordinal))
                await Task.Delay(delay);
            await ProcessNextAsync(message, pipeline);
        }
    }

    [Fact]
    public async Task A_poll_that_receives_the_message_before_the_submission_is_stored_hands_it_out_at_once()
    {
        await using var rig = await GradingRig.StartAsync(overrides: services =>
        {
            var options = new XQueue.Functions.Storage.StorageClientOptions();
            options.AddPolicy(new SlowSubmissionInserts(TimeSpan.FromMilliseconds(60)), HttpPipelinePosition.PerCall);
            services.AddSingleton(options);
        });
        Assert.True(await rig.Watcher.LoginAsync());

        var clock = Stopwatch.StartNew();
        var submit = rig.SubmitAsync(1, "race", "print(1)");
        Pull? pulled = null;
        var emptyPolls = 0;
        while (pulled is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            pulled = await Pull.NextAsync(rig.Watcher);
            if (pulled is null) emptyPolls++;
        }
        Assert.Equal(0, (await submit).Code);

        Assert.NotNull(pulled);
        // Set aside instead, it would come back only after 2 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"handed out after {clock.Elapsed.TotalMilliseconds:F0} ms ({emptyPolls} empty polls)");
    }
}
