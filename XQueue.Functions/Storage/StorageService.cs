namespace XQueue.Functions.Storage;

/// <summary>The three storage services; they differ in signing, error bodies and pinned REST version.</summary>
internal enum StorageService
{
    Blob,
    Queue,
    Table,
}

internal static class StorageServiceFacts
{
    public static string ApiVersion(this StorageService service) =>
        service == StorageService.Table ? "2019-02-02" : "2024-11-04";

    /// <summary>The value of the metrics tag "service".</summary>
    public static string TagName(this StorageService service) => service switch
    {
        StorageService.Blob => "blob",
        StorageService.Queue => "queue",
        _ => "table",
    };
}
