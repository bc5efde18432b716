using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// A submission a grader holds (in its work queue, by Storage Queue name): which message, the receipt its key was made
/// from, the receipt now, since and until when, whether put_result has turned the message into the result, how many
/// times the message moved since the pull (the newest copy of a hold two instances know of wins), and the pull's facts
/// (grader, address, count), so any instance can record them with the result.
/// </summary>
public sealed record Hold(
    [property: JsonPropertyName("q")] string Queue,
    [property: JsonPropertyName("i")] long Id,
    [property: JsonPropertyName("m")] string MessageId,
    [property: JsonPropertyName("k")] string KeyReceipt,
    [property: JsonPropertyName("r")] string Receipt,
    [property: JsonPropertyName("f")] long From,
    [property: JsonPropertyName("u")] long Until,
    [property: JsonPropertyName("a")] bool Answered = false,
    [property: JsonPropertyName("v")] int Version = 0,
    [property: JsonPropertyName("g")] string? Grader = null,
    [property: JsonPropertyName("h")] string? Address = null,
    [property: JsonPropertyName("n")] int Pulls = 0);

/// <summary>
/// An end other instances must know of: a hold taken over from another instance and finished here, or a submission
/// retired while a message for it may still come up. No message for it sent before <paramref name="At"/> is handed out.
/// </summary>
public sealed record Ending(
    [property: JsonPropertyName("q")] string Queue,
    [property: JsonPropertyName("i")] long Id,
    [property: JsonPropertyName("t")] long At);

/// <summary>One instance's published holds and endings.</summary>
public sealed record InstanceHolds(string Instance, DateTimeOffset? At, IReadOnlyList<Hold> Holds, IReadOnlyList<Ending> Endings);

/// <summary>
/// The in-flight table: one row per instance (partition "holds"), its holds and endings as JSON split over as many
/// string properties as it takes. Written whole, read whole: a count or a lookup reads the partition once.
/// </summary>
public sealed class InflightRows(StorageAccount storage, StorageNames names)
{
    const string Partition = "holds";
    const int ChunkChars = 30_000; // a string property holds at most 32K UTF-16 characters

    readonly TableClient table = storage.GetTable(names.InflightTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task PublishAsync(string instance, IReadOnlyList<Hold> holds, IReadOnlyList<Ending> endings, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new Published(holds, endings), InflightJson.Default.Published);
        var row = new TableEntity(Partition, instance);
        for (var chunk = 0; chunk * ChunkChars < json.Length; chunk++)
        {
            row[$"Part{chunk}"] = json.Substring(chunk * ChunkChars, Math.Min(ChunkChars, json.Length - chunk * ChunkChars));
        }
        return table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<InstanceHolds>> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = new List<InstanceHolds>();
        await foreach (var row in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            var json = string.Concat(Enumerable.Range(0, row.Count).Select(i => row.GetString($"Part{i}")).TakeWhile(part => part is not null));
            var published = json.Length == 0 ? null : JsonSerializer.Deserialize(json, InflightJson.Default.Published);
            rows.Add(new InstanceHolds(row.RowKey, row.Timestamp, published?.Holds ?? [], published?.Endings ?? []));
        }
        return rows;
    }

    public Task RemoveAsync(IEnumerable<string> instances, CancellationToken cancellationToken) =>
        table.DeleteAllAsync(instances.Select(instance => new TableEntity(Partition, instance)), cancellationToken);

    internal sealed record Published(
        [property: JsonPropertyName("h")] IReadOnlyList<Hold> Holds,
        [property: JsonPropertyName("e")] IReadOnlyList<Ending> Endings);
}

[JsonSerializable(typeof(InflightRows.Published))]
internal sealed partial class InflightJson : JsonSerializerContext;
