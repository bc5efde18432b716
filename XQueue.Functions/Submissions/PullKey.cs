namespace XQueue.Functions.Submissions;

/// <summary>
/// What a pull key says: which work message (work queue, message id, the pop receipt of the pull) handed out which
/// submission, when, for the how-manieth time, to whom, and the ETag of the hold's row as the pull wrote it. put_result
/// and extend_lease act on the message and the row with it, on whichever instance they land, without asking another
/// instance what the key was made from. (Keys made before the ETag was sealed carry none: put_result reads the row.)
/// </summary>
public sealed record PullKey(
    string Queue, long Id, string MessageId, string Receipt, DateTimeOffset PulledAt, int Pulls, string? Grader, string? Address,
    string? RowETag = null)
{
    /// <param name="queue">The hold's queue by its XQueue name (a hold names its Storage Queue).</param>
    public static PullKey Of(Hold hold, string queue) => new(
        queue, hold.Id, hold.MessageId, hold.KeyReceipt, DateTimeOffset.FromUnixTimeMilliseconds(hold.From), hold.Pulls, hold.Grader, hold.Address,
        hold.RowETag);

    /// <summary>The hold this pull is, in <paramref name="workQueue"/>, its message now at <paramref name="receipt"/> until <paramref name="until"/>.</summary>
    public Hold HeldAs(string workQueue, string receipt, DateTimeOffset until) => new(
        workQueue, Id, MessageId, Receipt, receipt, PulledAt.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds(),
        Grader: Grader, Address: Address, Pulls: Pulls, RowETag: RowETag);
}
