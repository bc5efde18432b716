using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Chaos;

/// <summary>
/// Learners submitting through the LMS's client. A submit that is not acknowledged (refused connection,
/// reset, 503, any non-zero return code) is what the learner sees as an error: they press Submit again,
/// which the LMS sends as a new submission for the same callback URL (a new header: a new lms_key).
/// </summary>
public static class ChaosLearners
{
    /// <summary>The longest any one client call may take before the actor gives up on it.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(
        ChaosLedger ledger, Func<Uri> server, FakeLms lms, IEnumerable<int> learners, string block, TimeSpan deadline, int maxAttempts = 100)
    {
        LmsClient? client = null;
        Uri? currentAddress = null;
        try
        {
            foreach (var learner in learners)
            {
                for (var attempt = 1; attempt <= maxAttempts && ledger.Now < deadline; attempt++)
                {
                    var address = server();
                    if (client is null || currentAddress != address)
                    {
                        client?.Dispose();
                        client = new LmsClient(address, TestService.LmsUser, TestService.LmsPassword);
                        currentAddress = address;
                    }
                    var tag = ChaosLedger.Tag(learner, attempt);
                    var header = LegacyText.Header(lms.CallbackUrl(learner, block), tag, TestService.Queue);
                    string outcome;
                    bool acknowledged;
                    var sentAt = ledger.Now;
                    try
                    {
                        var (code, message) = await client.SubmitAsync(header, LegacyText.Body(tag)).WaitAsync(CallTimeout);
                        acknowledged = code == 0;
                        outcome = $"{code} {message}";
                    }
                    catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
                    {
                        acknowledged = false;
                        outcome = e.GetType().Name;
                    }
                    ledger.Submits.Enqueue(new SubmitAttempt(learner, attempt, tag, header, acknowledged, outcome, ledger.Now, ledger.Now - sentAt));
                    if (acknowledged) break;
                    await Task.Delay(250);
                }
            }
        }
        finally
        {
            client?.Dispose();
        }
    }
}

/// <summary>
/// A pull grader as xqueue-watcher runs one: get_submission in a loop, grade, put_result. It records
/// every hand-out with the window the server's lease began in, retries put_result (same key) while the
/// service is unreachable, and stops when the test says so. Its results may go to another address than
/// its pulls (another instance behind the same storage), through a second session there.
/// </summary>
public static class ChaosGrader
{
    /// <summary>How long a grader keeps retrying one put_result against an unreachable service.</summary>
    public static readonly TimeSpan PutRetryWindow = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(
        ChaosLedger ledger, int grader, Func<Uri> server, CancellationToken stop, Func<Handout, Task>? grade = null, Func<Uri>? resultServer = null)
    {
        WatcherClient? watcher = null, resultWatcher = null;
        Uri? address = null, resultAddress = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (watcher is null || address != server())
                {
                    watcher?.Dispose();
                    address = server();
                    watcher = new WatcherClient(address, TestService.GraderUser, TestService.GraderPassword);
                }

                var requestedAt = ledger.Now;
                LegacyResult? result;
                try
                {
                    result = await watcher.GetSubmissionAsync(TestService.Queue).WaitAsync(ChaosLearners.CallTimeout);
                }
                catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
                {
                    result = null;
                }
                var answeredAt = ledger.Now;
                if (result is null)
                {
                    Interlocked.Increment(ref ledger.GraderErrors);
                    await Pause(200, stop);
                    continue;
                }
                if (result.ReturnCode != 0)
                {
                    await Pause(50, stop); // queue empty
                    continue;
                }

                var pull = Pull.From(result);
                var tag = JsonDocument.Parse(pull.Body).RootElement.GetProperty("student_response").GetString()!;
                var handout = new Handout(pull.Id, pull.Key, tag, grader, requestedAt, answeredAt);
                ledger.Handouts.Enqueue(handout);
                if (grade is not null) await grade(handout);
                if (resultServer is not null && (resultWatcher is null || resultAddress != resultServer()))
                {
                    resultWatcher?.Dispose();
                    resultAddress = resultServer();
                    resultWatcher = new WatcherClient(resultAddress, TestService.GraderUser, TestService.GraderPassword);
                }
                await PutAsync(ledger, resultWatcher ?? watcher, handout, ChaosLedger.Reply(tag, grader));
            }
        }
        finally
        {
            watcher?.Dispose();
            resultWatcher?.Dispose();
        }
    }

    public static async Task<PutOutcome> PutAsync(ChaosLedger ledger, WatcherClient watcher, Handout handout, string reply)
    {
        var header = JsonSerializer.Serialize(new { submission_id = handout.Id, submission_key = handout.Key });
        var started = ledger.Now;
        var detail = "";
        while (ledger.Now - started < PutRetryWindow)
        {
            LegacyResult? result;
            try
            {
                result = await watcher.PutResultAsync(header, reply).WaitAsync(ChaosLearners.CallTimeout);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
            {
                result = null;
                detail = e.GetType().Name;
            }
            if (result is null)
            {
                Interlocked.Increment(ref ledger.GraderErrors);
                await Task.Delay(200);
                continue;
            }
            var outcome = result.ReturnCode == 0 ? PutOutcome.Accepted
                : result.Text == "Incorrect key for submission" ? PutOutcome.WrongKey
                : PutOutcome.OtherError;
            ledger.Puts.Enqueue(new PutRecord(handout.Id, handout.Key, handout.Tag, handout.Grader, outcome, result.RawBody, ledger.Now));
            return outcome;
        }
        ledger.Puts.Enqueue(new PutRecord(handout.Id, handout.Key, handout.Tag, handout.Grader, PutOutcome.GaveUp, detail, ledger.Now));
        return PutOutcome.GaveUp;
    }

    static async Task Pause(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Asks <paramref name="condition"/> (a call to the service, say) every <paramref name="every"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan every)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(every);
        }
        return true;
    }
}
