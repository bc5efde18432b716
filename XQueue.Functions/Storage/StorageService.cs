namespace XQueue.Functions.Storage;

/// <summary>The three storage services, as the request counter tags them.</summary>
public enum StorageService
{
    Blob,
    Queue,
    Table,
}

public static class StorageServiceNames
{
    /// <summary>The value of the metrics tag "service".</summary>
    public static string TagName(this StorageService service) => service switch
    {
        StorageService.Blob => "blob",
        StorageService.Queue => "queue",
        _ => "table",
    };
}
