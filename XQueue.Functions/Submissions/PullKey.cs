namespace XQueue.Functions.Submissions;

/// <summary>
/// What a pull key says: which work message (work queue, message id, the pop receipt of the pull) handed out which
/// submission, when, for the how-manieth time, and to whom. put_result and extend_lease act on the message with it,
/// on whichever instance they land, without asking another instance or a table what the key was made from.
/// </summary>
public sealed record PullKey(
    string Queue, long Id, string MessageId, string Receipt, DateTimeOffset PulledAt, int Pulls, string? Grader, string? Address)
{
    /// <param name="queue">The hold's queue by its XQueue name (a hold names its Storage Queue).</param>
    public static PullKey Of(Hold hold, string queue) => new(
        queue, hold.Id, hold.MessageId, hold.KeyReceipt, DateTimeOffset.FromUnixTimeMilliseconds(hold.From), hold.Pulls, hold.Grader, hold.Address);

    /// <summary>The hold this pull is, in <paramref name="workQueue"/>, its message now at <paramref name="receipt"/> until <paramref name="until"/>.</summary>
    public Hold HeldAs(string workQueue, string receipt, DateTimeOffset until) => new(
        workQueue, Id, MessageId, Receipt, receipt, PulledAt.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds(),
        Grader: Grader, Address: Address, Pulls: Pulls);
}
