using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;

namespace XQueue.Functions.Submissions;

/// <summary>Maps a <see cref="Submission"/> to its table entity (one partition per submission) and back.</summary>
public static class SubmissionEntity
{
    public const string RowKey = "s";

    public static TableEntity ToEntity(Submission s)
    {
        var e = new TableEntity(SubmissionId.PartitionKey(s.Id), RowKey) { ETag = string.IsNullOrEmpty(s.ETag) ? ETag.All : new ETag(s.ETag) };
        e["Id"] = s.Id;
        e["Queue"] = s.Queue;
        e["Status"] = s.Status.ToWire();
        e["Header"] = s.Header;
        e["CallbackUrl"] = s.CallbackUrl;
        e["Body"] = s.Body.Inline;
        e["BodyBlob"] = s.Body.BlobName;
        e["Files"] = JsonSerializer.Serialize(new Dictionary<string, string>(s.Files), SubmissionJson.Default.DictionaryStringString);
        e["Submitter"] = s.Submitter;
        e["MessageId"] = s.MessageId;
        e["PopReceipt"] = s.PopReceipt;
        e["PullKey"] = s.PullKey;
        e["Pulls"] = s.Pulls;
        e["GraderUser"] = s.GraderUser;
        e["GraderAddress"] = s.GraderAddress;
        e["LeaseUntil"] = s.LeaseUntil;
        e["Reply"] = s.Reply?.Inline;
        e["ReplyBlob"] = s.Reply?.BlobName;
        e["ReplyVersion"] = s.ReplyVersion;
        e["RetireReason"] = s.RetireReason?.ToString().ToLowerInvariant();
        e["Delivery"] = s.Delivery.ToString().ToLowerInvariant();
        e["DeliveryAttempts"] = s.DeliveryAttempts;
        e["LastDeliveryStatus"] = s.LastDeliveryStatus;
        e["LastDeliveryError"] = s.LastDeliveryError;
        e["Channels"] = s.Channels.Count == 0 ? null : JsonSerializer.Serialize(s.Channels.ToList(), SubmissionJson.Default.ListChannelDelivery);
        e["ReceivedAt"] = s.ReceivedAt;
        e["FirstPulledAt"] = s.FirstPulledAt;
        e["PulledAt"] = s.PulledAt;
        e["GradedAt"] = s.GradedAt;
        e["DeliveredAt"] = s.DeliveredAt;
        e["FinishedAt"] = s.FinishedAt;
        e["StatusAt"] = s.StatusAt;
        e["History"] = s.History.Count == 0 ? null : JsonSerializer.Serialize(s.History.ToList(), SubmissionJson.Default.ListSubmissionEvent);
        // An absent property reads as null, and a replace drops whatever the entity held before.
        foreach (var empty in e.Where(property => property.Value is null).Select(property => property.Key).ToList()) e.Remove(empty);
        return e;
    }

    public static Submission FromEntity(TableEntity e)
    {
        var replyVersion = e.GetInt64("ReplyVersion") ?? 0;
        return new Submission
        {
            Id = e.GetInt64("Id") ?? 0,
            Queue = e.GetString("Queue") ?? "",
            Status = SubmissionStatusNames.Parse(e.GetString("Status")),
            Header = e.GetString("Header") ?? "",
            CallbackUrl = e.GetString("CallbackUrl") ?? "",
            Body = new StoredText(e.GetString("Body"), e.GetString("BodyBlob")),
            Files = JsonSerializer.Deserialize(e.GetString("Files") ?? "{}", SubmissionJson.Default.DictionaryStringString) ?? [],
            Submitter = e.GetString("Submitter"),
            MessageId = e.GetString("MessageId"),
            PopReceipt = e.GetString("PopReceipt"),
            PullKey = e.GetString("PullKey"),
            Pulls = e.GetInt32("Pulls") ?? 0,
            GraderUser = e.GetString("GraderUser"),
            GraderAddress = e.GetString("GraderAddress"),
            LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
            Reply = replyVersion > 0 ? new StoredText(e.GetString("Reply"), e.GetString("ReplyBlob")) : null,
            ReplyVersion = replyVersion,
            RetireReason = Enum.TryParse<RetireReason>(e.GetString("RetireReason"), ignoreCase: true, out var reason) ? reason : null,
            Delivery = Enum.TryParse<DeliveryState>(e.GetString("Delivery"), ignoreCase: true, out var delivery) ? delivery : DeliveryState.None,
            DeliveryAttempts = e.GetInt32("DeliveryAttempts") ?? 0,
            LastDeliveryStatus = e.GetInt32("LastDeliveryStatus"),
            LastDeliveryError = e.GetString("LastDeliveryError"),
            Channels = e.GetString("Channels") is { } channels ? JsonSerializer.Deserialize(channels, SubmissionJson.Default.ListChannelDelivery) ?? [] : [],
            ReceivedAt = e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
            FirstPulledAt = e.GetDateTimeOffset("FirstPulledAt"),
            PulledAt = e.GetDateTimeOffset("PulledAt"),
            GradedAt = e.GetDateTimeOffset("GradedAt"),
            DeliveredAt = e.GetDateTimeOffset("DeliveredAt"),
            FinishedAt = e.GetDateTimeOffset("FinishedAt"),
            StatusAt = e.GetDateTimeOffset("StatusAt") ?? DateTimeOffset.MinValue,
            History = e.GetString("History") is { } history ? JsonSerializer.Deserialize(history, SubmissionJson.Default.ListSubmissionEvent) ?? [] : [],
            ETag = e.ETag == default ? null : e.ETag.ToString(),
        };
    }
}

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<SubmissionEvent>))]
[JsonSerializable(typeof(List<ChannelDelivery>))]
internal sealed partial class SubmissionJson : JsonSerializerContext;
