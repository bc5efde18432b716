using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>One table: entity CRUD with ETag concurrency, and paged queries.</summary>
public sealed class TableClient
{
    // minimalmetadata keeps the type annotations (Int64, DateTime, ...) and odata.etag in responses.
    const string AcceptJson = "application/json;odata=minimalmetadata";
    const string JsonContentType = "application/json";

    readonly ServicePipeline pipeline;
    readonly Uri tablesUri;
    readonly Uri tableUri;
    readonly Uri queryUri;

    internal TableClient(ServicePipeline pipeline, Uri tableEndpoint, string name)
    {
        this.pipeline = pipeline;
        Name = ResourceNames.ValidateTable(name);
        tablesUri = ResourceNames.Child(tableEndpoint, "Tables");
        tableUri = ResourceNames.Child(tableEndpoint, Name);
        queryUri = new Uri(tableUri.AbsoluteUri + "()");
    }

    public string Name { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        const string operation = "table.create";
        using var message = CreateMessage(RequestMethod.Post, tablesUri, operation);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonBody(message.Request, TableNameJson(Name));
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204) return;
        if (response.Status == 409 && pipeline.ErrorCode(response) == "TableAlreadyExists") return;
        throw pipeline.Failure(response, operation);
    }

    /// <returns>The new entity's ETag. An existing entity fails with 409 EntityAlreadyExists.</returns>
    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        const string operation = "table.insert";
        using var message = CreateMessage(RequestMethod.Post, tableUri, operation);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonBody(message.Request, TableEntityJson.Write(entity));
        var response = await pipeline.SendAsync(message, operation, cancellationToken, 201, 204).ConfigureAwait(false);
        return RequireETag(response);
    }

    /// <returns>The entity with its ETag, or null when it does not exist. A missing table throws.</returns>
    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        const string operation = "table.get";
        using var message = CreateMessage(RequestMethod.Get, EntityUri(partitionKey, rowKey), operation);
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (IsMissingEntity(response)) return null;
        if (response.Status != 200) throw pipeline.Failure(response, operation);

        using var document = JsonDocument.Parse(response.Content);
        return TableEntityJson.Read(document.RootElement, response.Headers.TryGetValue("ETag", out var etag) ? etag : null);
    }

    /// <summary>Updates an existing entity if its ETag still matches <paramref name="ifMatch"/> ("*" for any).</summary>
    /// <returns>The new ETag; 412 when the ETag is stale, 404 when the entity is missing, both as exceptions.</returns>
    public Task<string> UpdateAsync(
        TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return WriteAsync(entity, ifMatch, mode, cancellationToken);
    }

    /// <summary>Inserts, or updates whatever is there regardless of its ETag.</summary>
    public Task<string> UpsertAsync(
        TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        WriteAsync(entity, ifMatch: null, mode, cancellationToken);

    /// <summary>One page of entities matching <paramref name="filter"/> (null for all).</summary>
    /// <param name="select">Properties to return; the keys are always added, since every entity carries them.</param>
    /// <param name="top">At most this many entities (1-1000); the service may return fewer with a continuation.</param>
    public async Task<TablePage> QueryAsync(
        string? filter, IEnumerable<string>? select = null, int? top = null, string? continuation = null,
        CancellationToken cancellationToken = default)
    {
        const string operation = "table.query";
        using var message = CreateMessage(RequestMethod.Get, queryUri, operation);
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter)) uri.AppendQuery("$filter", filter);
        if (select is not null)
            uri.AppendQuery("$select", string.Join(',', select.Concat(["PartitionKey", "RowKey"]).Distinct(StringComparer.Ordinal)));
        if (top is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(top));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1000, nameof(top));
            uri.AppendQuery("$top", count.ToString(CultureInfo.InvariantCulture));
        }
        if (continuation is not null)
        {
            var next = TableContinuation.Decode(continuation);
            uri.AppendQuery("NextPartitionKey", next.NextPartitionKey);
            if (next.NextRowKey is not null) uri.AppendQuery("NextRowKey", next.NextRowKey);
        }

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 200).ConfigureAwait(false);
        using var document = JsonDocument.Parse(response.Content);
        var entities = document.RootElement.GetProperty("value").EnumerateArray()
            .Select(json => TableEntityJson.Read(json))
            .ToList();
        return new TablePage(entities, TableContinuation.FromResponse(response)?.Encode());
    }

    /// <summary>Every entity matching <paramref name="filter"/>, following continuations page by page.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(
        string? filter, IEnumerable<string>? select = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var selected = select?.ToList();
        string? continuation = null;
        do
        {
            var page = await QueryAsync(filter, selected, null, continuation, cancellationToken).ConfigureAwait(false);
            foreach (var entity in page.Entities) yield return entity;
            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <returns>False when the entity does not exist. A missing table throws.</returns>
    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string ifMatch = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        const string operation = "table.delete";
        using var message = CreateMessage(RequestMethod.Delete, EntityUri(partitionKey, rowKey), operation);
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        return IsMissingEntity(response) ? false : throw pipeline.Failure(response, operation);
    }

    async Task<string> WriteAsync(TableEntity entity, string? ifMatch, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var (method, operation) = mode == TableUpdateMode.Merge
            ? (new RequestMethod("MERGE"), "table.merge")
            : (RequestMethod.Put, "table.replace");
        using var message = CreateMessage(method, EntityUri(entity.PartitionKey, entity.RowKey), operation);
        // Without If-Match the same verb means insert-or-update; with it, update only.
        if (ifMatch is not null) message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        SetJsonBody(message.Request, TableEntityJson.Write(entity));
        var response = await pipeline.SendAsync(message, operation, cancellationToken, 204).ConfigureAwait(false);
        return RequireETag(response);
    }

    // A missing table is a setup fault, not a missing row, so only other 404s count as "not there".
    bool IsMissingEntity(Response response) => response.Status == 404 && pipeline.ErrorCode(response) != "TableNotFound";

    HttpMessage CreateMessage(RequestMethod method, Uri uri, string operation)
    {
        var message = pipeline.CreateMessage(method, uri, operation);
        message.Request.Headers.SetValue(HttpHeader.Names.Accept, AcceptJson);
        return message;
    }

    /// <summary>The entity's address: each key an OData string literal whose content (quotes doubled) is URL-escaped.</summary>
    Uri EntityUri(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        static string Literal(string key) => "'" + Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal)) + "'";
        return new Uri($"{tableUri.AbsoluteUri}(PartitionKey={Literal(partitionKey)},RowKey={Literal(rowKey)})");
    }

    static void SetJsonBody(Request request, BinaryData body)
    {
        // Shared Key signs Content-Type, so it is set explicitly rather than left to the transport.
        request.Headers.SetValue(HttpHeader.Names.ContentType, JsonContentType);
        request.Content = RequestContent.Create(body);
    }

    static string RequireETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? etag : throw new FormatException("The table service answered without an ETag.");

    static BinaryData TableNameJson(string name)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("TableName", name);
            writer.WriteEndObject();
        }
        return new BinaryData(buffer.WrittenMemory);
    }
}
