using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.AspNetCore.Routing;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The <c>InvocationRequest</c>s the host sends, per trigger. The trigger value goes in <c>input_data</c>
/// under the trigger binding's name; the trigger's binding data goes in <c>trigger_metadata</c>, each value
/// converted as the host converts it (ScriptInvocationContextExtensions.ToRpcInvocationRequest,
/// GrpcMessageConversionExtensions.ToRpc): strings as string, everything else as Json.NET JSON. The "sys"
/// binding data is never sent.
/// </summary>
static class TriggerInputs
{
    // Json.NET's default date format, which the host's JSON conversions use.
    const string JsonNetDate = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK";

    /// <summary>
    /// HTTP through a proxying worker: the trigger value is an empty RpcHttp (the request travels over
    /// HTTP). The binding data is the HTTP trigger's: route values, "Query" and "Headers"; the request
    /// objects themselves are left out because the worker reports RpcHttpTriggerMetadataRemoved.
    /// </summary>
    public static InvocationRequest Http(LoadedFunction function, FunctionBinding trigger, string invocationId, RouteValueDictionary routeValues, Uri publicUri, HttpRequestMessage client)
    {
        var request = New(function, invocationId, trigger.Name, new TypedData { Http = new RpcHttp() });
        foreach (var (name, value) in routeValues)
        {
            if (value is not null) request.TriggerMetadata[name] = Text(Convert.ToString(value, CultureInfo.InvariantCulture)!);
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(publicUri.Query).ToDictionary(q => q.Key, q => q.Value.ToString());
        request.TriggerMetadata["Query"] = Json(JsonSerializer.Serialize(query));
        var headers = client.Headers.Concat(client.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value));
        headers.TryAdd("Host", publicUri.Authority);
        request.TriggerMetadata["Headers"] = Json(JsonSerializer.Serialize(headers));
        return request;
    }

    /// <summary>
    /// Timer: the host's TimerInfo as Json.NET writes it (Schedule, ScheduleStatus with Last, Next and
    /// LastUpdated, IsPastDue), and the timer's one binding data value, "TimerTrigger" (the time it fired).
    /// </summary>
    public static InvocationRequest Timer(LoadedFunction function, FunctionBinding trigger, string invocationId, bool isPastDue, DateTimeOffset last, DateTimeOffset next)
    {
        var timerInfo = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = Date(last),
                ["Next"] = Date(next),
                ["LastUpdated"] = Date(last),
            },
            ["IsPastDue"] = isPastDue,
        };
        var request = New(function, invocationId, trigger.Name, Json(timerInfo.ToJsonString()));
        request.TriggerMetadata["TimerTrigger"] = Text(DateTime.Now.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>
    /// Queue: the message text (already base64-decoded, as the extension hands it over) as a string, as bytes
    /// for a "Binary" binding, or as ModelBindingData for an SDK-type binding (QueueMessage, BinaryData),
    /// whose content is the JSON the worker's QueueMessageJsonConverter reads. Binding data: QueueTrigger,
    /// DequeueCount, ExpirationTime, Id, InsertionTime, NextVisibleTime and PopReceipt (the extension's
    /// contract), then, when the text is a JSON object, its top-level properties, which overwrite those
    /// (Utility.ApplyBindingData).
    /// </summary>
    public static InvocationRequest Queue(LoadedFunction function, FunctionBinding trigger, string invocationId, QueueMessageFacts message)
    {
        var value = trigger.SupportsDeferredBinding
            ? new TypedData { ModelBindingData = QueueModelBindingData(message) }
            : string.Equals(trigger.DataType, "Binary", StringComparison.OrdinalIgnoreCase)
                ? new TypedData { Bytes = ByteString.CopyFromUtf8(message.Text) }
                : Text(message.Text);
        var request = New(function, invocationId, trigger.Name, value);
        var metadata = request.TriggerMetadata;
        metadata["QueueTrigger"] = Text(message.Text);
        metadata["DequeueCount"] = Json(message.DequeueCount.ToString(CultureInfo.InvariantCulture));
        metadata["ExpirationTime"] = Json(JsonSerializer.Serialize(Date(message.ExpiresOn)));
        metadata["Id"] = Text(message.Id);
        metadata["InsertionTime"] = Json(JsonSerializer.Serialize(Date(message.InsertedOn)));
        metadata["NextVisibleTime"] = Json(JsonSerializer.Serialize(Date(message.NextVisibleOn)));
        metadata["PopReceipt"] = Text(message.PopReceipt);
        if (!trigger.SupportsDeferredBinding) AddJsonProperties(metadata, message.Text);
        return request;
    }

    static InvocationRequest New(LoadedFunction function, string invocationId, string triggerName, TypedData triggerValue)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            // The host passes its current activity; the .NET worker needs the field to be there.
            TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00", TraceState = "" },
        };
        request.InputData.Add(new ParameterBinding { Name = triggerName, Data = triggerValue });
        return request;
    }

    static ModelBindingData QueueModelBindingData(QueueMessageFacts message) => new()
    {
        Version = "1.0",
        Source = "AzureStorageQueues",
        ContentType = "application/json",
        Content = ByteString.CopyFromUtf8(JsonSerializer.Serialize(new
        {
            MessageId = message.Id,
            message.PopReceipt,
            MessageText = message.Text,
            message.DequeueCount,
            NextVisibleOn = message.NextVisibleOn.UtcDateTime,
            InsertedOn = message.InsertedOn.UtcDateTime,
            ExpiresOn = message.ExpiresOn.UtcDateTime,
        })),
    };

    static void AddJsonProperties(Google.Protobuf.Collections.MapField<string, TypedData> metadata, string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('{') || !trimmed.EndsWith('}')) return;
        JsonObject? parsed;
        try
        {
            parsed = JsonNode.Parse(trimmed) as JsonObject;
        }
        catch (JsonException)
        {
            return; // not JSON after all: no extra binding data, as on the host
        }
        foreach (var (name, value) in parsed ?? [])
        {
            var converted = value?.GetValueKind() switch
            {
                JsonValueKind.Object => Json(value.ToJsonString()),
                JsonValueKind.String => Text(value.GetValue<string>()),
                JsonValueKind.Number => Text(value.ToJsonString()),
                JsonValueKind.True or JsonValueKind.False => Text(value.GetValue<bool>() ? "True" : "False"),
                _ => null, // arrays and nulls add nothing
            };
            if (converted is null) continue;
            // The host's binding data is one case-insensitive dictionary: a property named "id" replaces the
            // message's "Id". (The .NET worker rejects trigger metadata whose keys differ only in case.)
            var existing = metadata.Keys.FirstOrDefault(key => string.Equals(key, name, StringComparison.OrdinalIgnoreCase));
            metadata[existing ?? name] = converted;
        }
    }

    static string Date(DateTimeOffset value) => value.ToString(JsonNetDate, CultureInfo.InvariantCulture);

    static TypedData Text(string value) => new() { String = value };

    static TypedData Json(string json) => new() { Json = json };
}

/// <summary>
/// A queue message as the queue extension sees it after dequeuing; <see cref="Text"/> is the decoded text.
/// </summary>
public sealed record QueueMessageFacts(string Text, long DequeueCount, string Id, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, DateTimeOffset NextVisibleOn)
{
    /// <summary>A message inserted just now, with a fresh id and pop receipt, the queue's default 7-day lifetime, invisible for the next 10 minutes.</summary>
    public static QueueMessageFacts Dequeued(string text, long dequeueCount = 1)
    {
        var now = DateTimeOffset.UtcNow;
        return new QueueMessageFacts(text, dequeueCount, Guid.NewGuid().ToString(), Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
            now, now.AddDays(7), now.AddMinutes(10));
    }
}
