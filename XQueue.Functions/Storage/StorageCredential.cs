using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>The one Entra ID credential the three storage clients share (one token cache); none with an account key.</summary>
public sealed record StorageCredential(TokenCredential? Token);
