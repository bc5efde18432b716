using System.Net;
using System.Text;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>
/// A bounded randomized fuzz of the legacy endpoints' fields (fixed seed, so a failure replays): no 500,
/// no hang, every answer a legacy envelope or the login redirect, and an earlier submission unharmed.
/// </summary>
public sealed class FormFuzzTests(ITestOutputHelper output)
{
    const int Requests = 400;
    const int Seed = 20261121;
    // Not logout: it would end the session and send the rest of the run to the login redirect.
    static readonly string[] Paths = ["/xqueue/submit/", "/xqueue/put_result/", "/xqueue/login/", "/xqueue/get_submission/", "/xqueue/get_queuelen/"];
    static readonly string[] Fields = ["xqueue_header", "xqueue_body", "username", "password", "queue_name", "submission_id", "x"];

    [Fact]
    public async Task Random_legacy_requests_never_get_a_500_or_hang()
    {
        // The bystander lives on a queue the fuzz never names (the fuzz submits to and pulls from test-pull).
        await using var rig = await GradingRig.StartAsync(BothSides.Settings(new() { ["XQueue:Queues:bystander:PushUrl"] = "" }));
        var bystander = LegacyText.Header(rig.Lms.CallbackUrl(1, "bystander"), "k", "bystander");
        Assert.Equal(0, (await rig.LmsClient.SubmitAsync(bystander, LegacyText.Body("keep me"))).Code);
        using var client = await RawClient.LoginAsync(rig.Service);
        var random = new Random(Seed);
        var statuses = new Dictionary<HttpStatusCode, int>();

        for (var i = 0; i < Requests; i++)
        {
            using var request = RandomRequest(random);
            var uri = request.RequestUri!.ToString();
            var description = $"#{i} {request.Method} {(uri.Length > 120 ? uri[..120] + "…" : uri)}";
            var send = client.SendAsync(request);
            Assert.True(await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(10))) == send, $"{description} hung");
            var (status, body) = await send;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            // 414: Kestrel refuses a request line over its limit before the app sees it.
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Found or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestUriTooLong,
                $"{description}: {(int)status} {(body.Length > 300 ? body[..300] : body)}");
            if (status is HttpStatusCode.OK or HttpStatusCode.RequestEntityTooLarge)
            {
                using var envelope = JsonDocument.Parse(body);
                Assert.True(envelope.RootElement.TryGetProperty("return_code", out _), $"{description}: {body}");
            }
        }
        output.WriteLine($"seed {Seed}, {Requests} requests: " + string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}")));

        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) > Requests / 2, "most requests must reach the endpoints, not the login redirect");
        var pull = await XQueue.Functions.Tests.Submissions.Pull.NextAsync(rig.Watcher, "bystander");
        Assert.NotNull(pull);
        Assert.Equal(LegacyText.Body("keep me"), pull!.Body);
    }

    static HttpRequestMessage RandomRequest(Random random)
    {
        var path = Paths[random.Next(Paths.Length)];
        var query = random.Next(3) == 0 ? "" : "?queue_name=" + Uri.EscapeDataString(RandomText(random));
        var method = random.Next(4) == 0 ? HttpMethod.Get : HttpMethod.Post;
        var request = new HttpRequestMessage(method, path + query);
        if (method == HttpMethod.Get) return request;

        var fields = Enumerable.Range(0, random.Next(4)).Select(_ => (Fields[random.Next(Fields.Length)], RandomText(random))).ToList();
        request.Content = random.Next(5) switch
        {
            0 => Multipart(random, fields),
            1 => Raw(random),
            _ => new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))),
        };
        return request;
    }

    static HttpContent Multipart(Random random, List<(string, string)> fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        for (var i = random.Next(3); i > 0; i--)
        {
            var bytes = new byte[random.Next(0, 2048)];
            random.NextBytes(bytes);
            var part = new ByteArrayContent(bytes);
            var name = RandomText(random).Replace("\"", "").Replace("\r", "").Replace("\n", "");
            part.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{name}\"; filename=\"f\"");
            form.Add(part);
        }
        return form;
    }

    static HttpContent Raw(Random random)
    {
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        var content = new ByteArrayContent(bytes);
        string[] types = ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data", "application/json", "text/plain", "garbage"];
        content.Headers.TryAddWithoutValidation("Content-Type", types[random.Next(types.Length)]);
        return content;
    }

    static string RandomText(Random random) => random.Next(8) switch
    {
        0 => "",
        1 => new string('a', random.Next(16_000, 20_000)),
        2 => "{\"submission_id\": " + random.NextInt64(-5, 1L << 60) + ", \"submission_key\": \"" + Guid.NewGuid().ToString("N") + "\"}",
        3 => "{\"lms_callback_url\": \"http://127.0.0.1:9/c/" + random.Next() + "\", \"lms_key\": 1, \"queue_name\": \"test-pull\"}",
        4 => "test-pull",
        5 => "../" + random.Next() + "/\\",
        _ => RandomUnicode(random, random.Next(1, 64)),
    };

    static string RandomUnicode(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = (char)random.Next(1, 0xD7FF); // below the surrogates: always a valid UTF-16 string
            builder.Append(c);
        }
        return builder.ToString();
    }
}
