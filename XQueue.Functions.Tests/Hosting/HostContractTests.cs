using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The Functions host cannot run here, so its exact requests are replayed (reference §1.3, §1.6, §1.8):
/// the timer invocation POSTed to /Sweep, and a forwarded HTTP request with the host's headers.
/// </summary>
public sealed class HostContractTests
{
    // What the host POSTs for a timerTrigger named "timer" with useMonitor: true.
    const string TimerInvocation = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-21T10:00:00+00:00","Next":"2026-11-21T10:01:00+00:00","LastUpdated":"2026-11-21T10:00:00+00:00"},"IsPastDue":false}},
         "Metadata":{"sys":{"MethodName":"Sweep","UtcNow":"2026-11-21T10:01:00.0123456Z","RandGuid":"3f1e0c55-7a0a-4d0e-9f64-2b8f5c7e1d11"}}}
        """;

    [Fact]
    public async Task Timer_invocation_runs_the_sweep_and_answers_the_host_response_shape()
    {
        await using var service = await TestService.StartAsync();
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Sweep") { Content = new StringContent(TimerInvocation, Encoding.UTF8, "application/json") };
        AddHostHeaders(request);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.StartsWith("sweep:", body.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task Forwarded_http_request_with_host_headers_gets_the_same_reply()
    {
        await using var service = await TestService.StartAsync();
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/xqueue/status/");
        AddHostHeaders(request);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("Max-Forwards", "10");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"return_code\": 0, \"content\": \"OK\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forwarded_post_with_content_length_reaches_login()
    {
        await using var service = await TestService.StartAsync();
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        var form = Encoding.ASCII.GetBytes($"username={TestService.GraderUser}&password={TestService.GraderPassword}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/login/") { Content = new ByteArrayContent(form) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Content.Headers.ContentLength = form.Length;
        AddHostHeaders(request);

        using var response = await http.SendAsync(request);

        Assert.Equal("{\"return_code\": 0, \"content\": \"Logged in\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sessionid="));
    }

    [Fact]
    public async Task Readiness_probe_and_health_endpoint_answer_without_storage()
    {
        var faults = new StorageFaults();
        await using var service = await TestService.StartAsync(overrides: faults.AddTo);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        faults.FailAll = true; // storage down: the probes still answer

        foreach (var path in new[] { "/", "/healthz" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    static void AddHostHeaders(HttpRequestMessage request)
    {
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1040.300.0");
    }
}
