namespace XQueue.Functions.Storage;

// The shapes a queue hands back: what Put, Get, Peek and Update Message each return.

/// <summary>A message just put on a queue.</summary>
public sealed record SentMessage(string MessageId, string PopReceipt, DateTimeOffset TimeNextVisible);

/// <summary>A message taken with Get Messages: invisible to others until <see cref="TimeNextVisible"/>.</summary>
public sealed record ReceivedMessage(
    string MessageId, string PopReceipt, long DequeueCount, string Text, DateTimeOffset InsertionTime, DateTimeOffset TimeNextVisible);

/// <summary>A message seen with Peek Messages: no pop receipt, visibility untouched.</summary>
public sealed record PeekedMessage(string MessageId, long DequeueCount, string Text, DateTimeOffset InsertionTime);

/// <summary>The result of Update Message: the old pop receipt no longer works, this one does.</summary>
public sealed record UpdatedMessage(string PopReceipt, DateTimeOffset TimeNextVisible);
