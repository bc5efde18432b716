using System.Net;
using System.Text;
using System.Xml.Linq;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Stands in for the blob service behind a <see cref="RecordingHandler"/>: answers Get User Delegation Key
/// with a canned key for the asked window, and every other request with a plain success.
/// </summary>
internal sealed class FakeDelegationKeyService
{
    public const string ObjectId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "66666666-7777-8888-9999-000000000000";
    public const string KeyVersion = "2024-11-04";

    // Not a real key: 32 made-up bytes, so the test can check signatures with it.
    public static readonly byte[] KeyValue = Encoding.ASCII.GetBytes("a-user-delegation-key-for-tests!");

    int fetches;

    /// <summary>How many keys were handed out.</summary>
    public int Fetches => Volatile.Read(ref fetches);

    /// <summary>Each key answer waits for this first, so a test can hold a fetch open while others arrive.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public static bool IsKeyRequest(RecordedRequest request) =>
        request.Method == HttpMethod.Post && request.Uri.Query.Contains("comp=userdelegationkey", StringComparison.Ordinal);

    public async Task<HttpResponseMessage> RespondAsync(RecordedRequest request)
    {
        if (!IsKeyRequest(request))
        {
            var status = request.Method == HttpMethod.Get ? HttpStatusCode.NotFound
                : request.Method == HttpMethod.Delete && request.Uri.Host.Contains(".blob.", StringComparison.Ordinal) ? HttpStatusCode.Accepted
                : request.Method == HttpMethod.Put && request.Uri.Host.Contains(".blob.", StringComparison.Ordinal) ? HttpStatusCode.Created
                : HttpStatusCode.NoContent;
            return new HttpResponseMessage(status);
        }

        await Gate;
        Interlocked.Increment(ref fetches);
        var keyInfo = XElement.Parse(request.Body);
        var answer = new XElement("UserDelegationKey",
            new XElement("SignedOid", ObjectId),
            new XElement("SignedTid", TenantId),
            new XElement("SignedStart", keyInfo.Element("Start")!.Value),
            new XElement("SignedExpiry", keyInfo.Element("Expiry")!.Value),
            new XElement("SignedService", "b"),
            new XElement("SignedVersion", KeyVersion),
            new XElement("Value", Convert.ToBase64String(KeyValue)));
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + answer, Encoding.UTF8, "application/xml"),
        };
    }
}
