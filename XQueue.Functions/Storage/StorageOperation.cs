using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>
/// Names a storage request the way an operator reads the metrics (<c>queue.receive</c>, <c>table.merge</c> …),
/// from its method and its path below the service endpoint: the SDK clients do not say which call sent it.
/// </summary>
public static class StorageOperation
{
    public static string Of(StorageService service, Request request, Uri serviceEndpoint)
    {
        var segments = RelativeSegments(request.Uri.Path, serviceEndpoint.AbsolutePath);
        var method = request.Method.Method;
        var query = request.Uri.Query;
        return service switch
        {
            StorageService.Queue => "queue." + Queue(method, segments, query),
            StorageService.Table => "table." + Table(method, segments),
            _ => "blob." + Blob(method, segments, query),
        };
    }

    static string Queue(string method, string[] segments, string query) => (segments.Length, method) switch
    {
        (1, "PUT") => "create",
        (1, "GET") => "count", // Get Queue Metadata: the approximate count
        (1, "DELETE") => "delete-queue",
        (2, "POST") => "send",
        (2, "GET") => query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "peek" : "receive",
        (2, "DELETE") => "clear",
        (3, "PUT") => "update",
        (3, "DELETE") => "delete",
        _ => "other",
    };

    static string Table(string method, string[] segments)
    {
        if (segments.Length != 1) return "other";
        var resource = segments[0];
        if (resource == "$batch") return "transaction";
        if (resource.StartsWith("Tables", StringComparison.Ordinal))
            return method switch { "POST" => "create", "DELETE" => "delete-table", _ => "list" };
        var entity = resource.Contains("(PartitionKey=", StringComparison.Ordinal);
        return (method, entity) switch
        {
            ("POST", false) => "insert",
            ("GET", false) => "query",
            ("GET", true) => "get",
            ("PUT", true) => "replace", // with If-Match an update, without it an upsert
            ("MERGE" or "PATCH", true) => "merge",
            ("DELETE", true) => "delete",
            _ => "other",
        };
    }

    static string Blob(string method, string[] segments, string query)
    {
        if (segments.Length == 0)
            return query.Contains("comp=userdelegationkey", StringComparison.OrdinalIgnoreCase) ? "get-user-delegation-key" : "other";
        if (segments.Length == 1)
            return method switch { "PUT" => "create-container", "DELETE" => "delete-container", _ => "list" };
        return method switch
        {
            "PUT" => "upload",
            "GET" => "download",
            "DELETE" => "delete",
            "HEAD" => "properties",
            _ => "other",
        };
    }

    // Path-style endpoints (Azurite: /devstoreaccount1/...) carry the account in the path; host-style ones do not.
    // The clients write the path with or without its leading slash.
    static string[] RelativeSegments(string path, string endpointPath)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var root = endpointPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= root.Length && segments.Take(root.Length).SequenceEqual(root, StringComparer.Ordinal)
            ? segments[root.Length..]
            : segments;
    }
}
