namespace XQueue.Functions.Tests.Storage;

/// <summary>One request as it left the pipeline: what a storage service would have seen.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method, Uri Uri, string? Authorization, IReadOnlyDictionary<string, string> Headers, string Body);
