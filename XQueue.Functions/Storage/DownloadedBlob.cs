namespace XQueue.Functions.Storage;

/// <summary>A blob's bytes and the content type it was stored with.</summary>
public sealed record DownloadedBlob(BinaryData Content, string? ContentType);
