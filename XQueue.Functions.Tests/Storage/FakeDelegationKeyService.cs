using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using System.Xml.Linq;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Stands in for the storage services behind a <see cref="RecordingHandler"/>: answers Get User Delegation Key
/// with a canned key for the asked window, serves <see cref="FileContent"/> to a GET carrying a user delegation
/// SAS whose signature verifies against that key, and answers every other request with a plain success.
/// </summary>
/// <remarks>
/// Azurite 3.35 (the last that runs on Node 20) signs user delegation SAS in the 2025-07-05 layout, while the SDK
/// always signs in the newest one (2026-04-06 and later: two more key fields and two request fields), so the
/// emulator refuses every link the SDK makes. This fake checks the newest layout of the REST reference instead.
/// </remarks>
internal sealed class FakeDelegationKeyService
{
    public const string ObjectId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "66666666-7777-8888-9999-000000000000";
    public const string KeyVersion = "2025-11-05";
    public static readonly byte[] FileContent = Encoding.UTF8.GetBytes("print('hello')\n");

    // Not a real key: 32 made-up bytes, so the fake can check signatures with it.
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
        if (IsKeyRequest(request)) return await KeyAsync(request);
        var blob = request.Uri.Host.Contains(".blob.", StringComparison.Ordinal);
        if (request.Method == HttpMethod.Get && request.Uri.Query.Contains("sig=", StringComparison.Ordinal)) return Download(request);
        if (request.Method == HttpMethod.Get)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Headers = { { "x-ms-error-code", blob ? "BlobNotFound" : "ResourceNotFound" } } };
        }
        var status = request.Method == HttpMethod.Delete && blob ? HttpStatusCode.Accepted
            : request.Method == HttpMethod.Put && blob ? HttpStatusCode.Created
            : HttpStatusCode.NoContent;
        return new HttpResponseMessage(status);
    }

    async Task<HttpResponseMessage> KeyAsync(RecordedRequest request)
    {
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

    // The blob service's check: the key fields name this key, the link is read-only and current, and the
    // signature is the key's HMAC of the fields in the reference order (empty where the link leaves them out).
    static HttpResponseMessage Download(RecordedRequest request)
    {
        var q = HttpUtility.ParseQueryString(request.Uri.Query);
        var path = Uri.UnescapeDataString(request.Uri.AbsolutePath);
        var stringToSign = string.Join("\n",
            q["sp"], q["st"], q["se"], $"/blob/{EntraAccount.Name}{path}",
            q["skoid"], q["sktid"], q["skt"], q["ske"], q["sks"], q["skv"], q["skdutid"], q["sduoid"],
            q["saoid"], q["suoid"], q["scid"], q["sip"], q["spr"], q["sv"], q["sr"], "", q["ses"], q["srh"], q["srq"],
            q["rscc"], q["rscd"], q["rsce"], q["rscl"], q["rsct"]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(KeyValue, Encoding.UTF8.GetBytes(stringToSign)));
        var valid = q["sig"] == expected && q["skoid"] == ObjectId && q["sktid"] == TenantId && q["sp"] == "r"
            && DateTimeOffset.Parse(q["se"]!) > DateTimeOffset.UtcNow && DateTimeOffset.Parse(q["ske"]!) >= DateTimeOffset.Parse(q["se"]!);
        return valid
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(FileContent) }
            : new HttpResponseMessage(HttpStatusCode.Forbidden);
    }
}
