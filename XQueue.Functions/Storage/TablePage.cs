namespace XQueue.Functions.Storage;

/// <summary>
/// One page of a query. <see cref="Continuation"/> is opaque: pass it back to get the next page; it is
/// null when there are no more.
/// </summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? Continuation);
