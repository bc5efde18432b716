using Azure.Core;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Legacy;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>"Empty" is said only when nothing waits: not in the queue, not in the backlog, not on its way between them.</summary>
public sealed class EmptyAnswerTests
{
    const int Window = WindowRig.Window;

    [Fact]
    public async Task A_pull_whose_look_came_before_a_refill_moved_the_last_submission_in_hands_it_out_instead_of_saying_empty()
    {
        var gate = new StorageGate();
        await using var rig = await GradingRig.StartAsync(WindowRig.Settings(), gate.AddTo);
        await WindowRig.SubmitAsync(rig, 0, Window + 1);
        Assert.Equal(1, await WindowRig.BacklogRowsAsync(rig)); // the last one waits in the backlog
        var work = WindowRig.WorkQueue(rig).Name;

        // The bulk pull of the window starts a refill in the background; it is stopped just before it sends the message.
        var refillSends = gate.Before(request => request.Method == RequestMethod.Post && request.Uri.Path.EndsWith($"/{work}/messages", StringComparison.Ordinal));
        using var grader = await GraderApi.LoginAsync(rig.Service);
        Assert.Equal(Window, GraderApi.Pulls(await grader.GetSubmissionsAsync(Window)).Count);
        await refillSends.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // A second pull looks at the queue meanwhile and finds it empty; it is stopped before it hears so.
        var emptyLook = gate.After((request, response) => request.Method == RequestMethod.Get
            && request.Uri.Path.EndsWith($"/{work}/messages", StringComparison.Ordinal) && !request.Uri.Query.Contains("peekonly", StringComparison.Ordinal)
            && !response.Content.ToString().Contains("<QueueMessage>", StringComparison.Ordinal));
        var pull = grader.GetSubmissionAsync();
        await emptyLook.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // The refill sends the last submission and ends (joining it waits for its end); then the pull goes on.
        refillSends.Release();
        await rig.Service.Get<BacklogRefill>().RefillAsync(TestService.Queue).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await WindowRig.BacklogRowsAsync(rig));
        emptyLook.Release();

        var reply = await pull.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(reply.ReturnCode == 0, $"The last submission waited in the queue, and the pull said: {reply.Text}");
        Assert.Equal(WindowRig.BodyOf(Window), Pull.From(reply).Body);
    }
}
