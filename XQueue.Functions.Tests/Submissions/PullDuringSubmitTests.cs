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
    /// <summary>
    /// Holds the submission insert back until <see cref="Release"/>, and tells when it is held (the work message
    /// is sent by then) and when a read of a submission came first: so the poll lands between the two writes of
    /// the submit every time.
    /// </summary>
    sealed class HeldSubmissionInsert : HttpPipelinePolicy
    {
        readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource InsertHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReadBeforeInsert { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => release.TrySetResult();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = message.Request.Uri.Path;
            var insert = message.Request.Method == RequestMethod.Post && path.EndsWith("submissions", StringComparison.Ordinal);
            if (insert)
            {
                InsertHeld.TrySetResult();
                await release.Task;
            }
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == RequestMethod.Get && path.Contains("submissions(", StringComparison.Ordinal) && message.Response.Status == 404)
            {
                ReadBeforeInsert.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task A_poll_that_receives_the_message_before_the_submission_is_stored_hands_it_out_at_once()
    {
        var held = new HeldSubmissionInsert();
        await using var rig = await GradingRig.StartAsync(overrides: services => services.AddStoragePolicy(held));
        Assert.True(await rig.Watcher.LoginAsync());

        var submit = rig.SubmitAsync(1, "race", "print(1)");
        await held.InsertHeld.Task.WaitAsync(TimeSpan.FromSeconds(30)); // its work message is sent, its insert held
        var polling = Pull.NextAsync(rig.Watcher);
        await held.ReadBeforeInsert.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the poll has the message, not the submission
        var clock = Stopwatch.StartNew();
        held.Release();

        // Set aside instead, this poll would answer "empty" and the submission come back only after 2 s.
        var pulled = await polling;
        Assert.NotNull(pulled);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"handed out {clock.Elapsed.TotalMilliseconds:F0} ms after the insert was let through");
        Assert.Equal(0, (await submit).Code);
    }
}
