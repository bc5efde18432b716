using System.Globalization;
using Azure;
using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>One storage queue. Message text travels as-is (XML-escaped), without base64.</summary>
public sealed class QueueClient
{
    const int MaxMessagesPerCall = 32;

    readonly ServicePipeline pipeline;
    readonly Uri queueUri;
    readonly Uri messagesUri;

    internal QueueClient(ServicePipeline pipeline, Uri queueEndpoint, string name)
    {
        this.pipeline = pipeline;
        Name = ResourceNames.ValidateQueueOrContainer(name, "queue");
        queueUri = ResourceNames.Child(queueEndpoint, Name);
        messagesUri = ResourceNames.Child(queueUri, "messages");
    }

    public string Name { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        const string operation = "queue.create";
        using var message = pipeline.CreateMessage(RequestMethod.Put, queueUri, operation);
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        // 204 means it already exists with the same metadata; 409 that it exists with other metadata.
        if (response.Status is 201 or 204) return;
        if (response.Status == 409 && pipeline.ErrorCode(response) == "QueueAlreadyExists") return;
        throw pipeline.Failure(response, operation);
    }

    /// <param name="timeToLive">Null for the service default (7 days); <see cref="Timeout.InfiniteTimeSpan"/> never expires.</param>
    public async Task<SentMessage> SendAsync(
        string text, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string operation = "queue.send";
        using var message = pipeline.CreateMessage(RequestMethod.Post, messagesUri, operation);
        if (visibilityTimeout is { } visibility) message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibility));
        if (timeToLive is { } ttl)
            message.Request.Uri.AppendQuery("messagettl", ttl == Timeout.InfiniteTimeSpan ? "-1" : Seconds(ttl));
        SetXmlBody(message.Request, QueueMessageXml.Request(text));

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 201).ConfigureAwait(false);
        var sent = QueueMessageXml.Messages(response.Content).Single();
        return new SentMessage(
            QueueMessageXml.Text(sent, "MessageId"),
            QueueMessageXml.Text(sent, "PopReceipt"),
            QueueMessageXml.Time(sent, "TimeNextVisible"));
    }

    /// <summary>Takes up to <paramref name="maxMessages"/> (1-32) messages, hiding them for <paramref name="visibilityTimeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(
        int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        const string operation = "queue.receive";
        using var message = pipeline.CreateMessage(RequestMethod.Get, messagesUri, operation);
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 200).ConfigureAwait(false);
        return QueueMessageXml.Messages(response.Content)
            .Select(received => new ReceivedMessage(
                QueueMessageXml.Text(received, "MessageId"),
                QueueMessageXml.Text(received, "PopReceipt"),
                QueueMessageXml.Int64(received, "DequeueCount"),
                QueueMessageXml.Text(received, "MessageText"),
                QueueMessageXml.Time(received, "InsertionTime"),
                QueueMessageXml.Time(received, "TimeNextVisible")))
            .ToList();
    }

    /// <summary>Looks at up to <paramref name="maxMessages"/> (1-32) visible messages without taking them.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        const string operation = "queue.peek";
        using var message = pipeline.CreateMessage(RequestMethod.Get, messagesUri, operation);
        message.Request.Uri.AppendQuery("peekonly", "true");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 200).ConfigureAwait(false);
        return QueueMessageXml.Messages(response.Content)
            .Select(peeked => new PeekedMessage(
                QueueMessageXml.Text(peeked, "MessageId"),
                QueueMessageXml.Int64(peeked, "DequeueCount"),
                QueueMessageXml.Text(peeked, "MessageText"),
                QueueMessageXml.Time(peeked, "InsertionTime")))
            .ToList();
    }

    /// <summary>Extends (or shortens) a lease. The returned pop receipt replaces <paramref name="popReceipt"/>.</summary>
    public async Task<UpdatedMessage> UpdateVisibilityAsync(
        string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        const string operation = "queue.update";
        using var message = pipeline.CreateMessage(RequestMethod.Put, MessageUri(messageId), operation);
        message.Request.Uri.AppendQuery("popreceipt", RequirePopReceipt(popReceipt));
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 204).ConfigureAwait(false);
        if (!response.Headers.TryGetValue("x-ms-popreceipt", out var newReceipt)
            || !response.Headers.TryGetValue("x-ms-time-next-visible", out var nextVisible))
        {
            throw new FormatException("Update Message answered without x-ms-popreceipt or x-ms-time-next-visible.");
        }
        return new UpdatedMessage(newReceipt, QueueMessageXml.Time(nextVisible));
    }

    /// <returns>False when the message is gone or <paramref name="popReceipt"/> is stale (someone else owns it now).</returns>
    public async Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        const string operation = "queue.delete";
        using var message = pipeline.CreateMessage(RequestMethod.Delete, MessageUri(messageId), operation);
        message.Request.Uri.AppendQuery("popreceipt", RequirePopReceipt(popReceipt));

        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204) return true;
        var code = pipeline.ErrorCode(response);
        if ((response.Status, code) is (404, "MessageNotFound") or (400, "PopReceiptMismatch")) return false;
        throw pipeline.Failure(response, operation);
    }

    /// <summary>The service's approximate count, which includes invisible messages and is never too low.</summary>
    public async Task<int> GetApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        const string operation = "queue.count";
        using var message = pipeline.CreateMessage(RequestMethod.Get, queueUri, operation);
        message.Request.Uri.AppendQuery("comp", "metadata");

        var response = await pipeline.SendAsync(message, operation, cancellationToken, 200).ConfigureAwait(false);
        return response.Headers.TryGetValue("x-ms-approximate-messages-count", out var count)
            ? int.Parse(count, NumberStyles.None, CultureInfo.InvariantCulture)
            : throw new FormatException("Get Queue Metadata answered without x-ms-approximate-messages-count.");
    }

    Uri MessageUri(string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return ResourceNames.Child(messagesUri, messageId);
    }

    static string RequirePopReceipt(string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        return popReceipt;
    }

    static void SetXmlBody(Request request, BinaryData body)
    {
        // Shared Key signs Content-Type, so it is set explicitly rather than left to the transport.
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/xml; charset=utf-8");
        request.Content = RequestContent.Create(body);
    }

    /// <summary>The service takes whole seconds; fractions are rounded up so a lease is never shorter than asked.</summary>
    static string Seconds(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return ((long)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
