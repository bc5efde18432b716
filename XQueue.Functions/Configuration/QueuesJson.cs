using System.Text.Json;
using System.Text.Json.Serialization;

namespace XQueue.Functions.Configuration;

/// <summary>
/// Queues declared in one setting, <c>XQueue:QueuesJson</c> = <c>{"MITx-6.00x": {"PushUrl": "", "ProcessingDelay": "00:05:00"}}</c>.
/// Azure app setting names allow only letters, digits, '.' and '_', so a queue named like the LMS's
/// defaults (<c>MITx-6.00x</c>) cannot appear in a key there; in a value it can.
/// </summary>
public static class QueuesJson
{
    public static bool TryParse(string json, out Dictionary<string, QueueOptions> queues, out string? error)
    {
        queues = [];
        error = null;
        try
        {
            var parsed = JsonSerializer.Deserialize(json, QueuesJsonContext.Default.DictionaryStringQueueOptions);
            if (parsed is null)
            {
                error = "XQueue:QueuesJson must be a JSON object of queue name → settings.";
                return false;
            }
            queues = new Dictionary<string, QueueOptions>(parsed, StringComparer.Ordinal);
            return true;
        }
        catch (JsonException e)
        {
            error = $"XQueue:QueuesJson is not a JSON object of queue name → {{\"PushUrl\", \"ProcessingDelay\"}}: {e.Message}";
            return false;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(Dictionary<string, QueueOptions>))]
internal sealed partial class QueuesJsonContext : JsonSerializerContext;
