using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>Pipeline options (retry, transport, diagnostics, extra policies) shared by the three storage clients.</summary>
public sealed class StorageClientOptions : ClientOptions
{
}
