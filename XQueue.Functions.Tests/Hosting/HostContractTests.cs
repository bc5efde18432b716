using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using XQueue.Functions.Hosting;
using XQueue.Functions.Tests.Auth;
using XQueue.Functions.Tests.Hosting.FunctionsHost;
using XQueue.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The path Azure runs: the published worker (artifacts/app, as the package deploys it) started by a stand-in for
/// the Functions host over the worker's gRPC protocol, its HTTP functions reached through the ASP.NET Core
/// integration as the host forwards them, its Sweep timer and its DeliverResult queue trigger invoked as the
/// host invokes them. One worker for the class; every test uses its own users' requests and submissions.
/// </summary>
public sealed class HostContractTests(HostContractTests.Worker worker, ITestOutputHelper output) : IClassFixture<HostContractTests.Worker>
{
    public sealed class Worker : IAsyncLifetime
    {
        public FunctionsHostFake Host { get; private set; } = null!;
        public FakeLms Lms { get; private set; } = null!;
        public QueueClient Outbox { get; private set; } = null!;
        public Azure.Data.Tables.TableClient History { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var azurite = await Azurite.Shared;
            var prefix = Azurite.NewPrefix();
            Lms = await FakeLms.StartAsync();
            var settings = new Dictionary<string, string?>
            {
                ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["XQueue__StoragePrefix"] = prefix,
                ["XQueue__Delivery__RetryBase"] = "00:00:00.200",
                ["XQueue__Delivery__RetryMax"] = "00:00:01",
            };
            var app = TestService.DefaultSettings();
            app["XQueue:StoragePrefix"] = prefix;
            foreach (var (key, value) in TestTokens.Settings(app)) settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            settings.Remove("Logging__LogLevel__Default");
            settings[$"XQueue__Users__{Operator}__Password"] = OperatorPassword;
            settings[$"XQueue__Users__{Operator}__Roles"] = "admin";
            Host = await FunctionsHostFake.StartAsync(Repository.PathTo("artifacts", "app"), settings);
            History = new Azure.Data.Tables.TableClient(azurite.ConnectionString, prefix + "queuehistory");
            Outbox = new QueueClient(azurite.ConnectionString, prefix + "delivery", new QueueClientOptions(XQueue.Functions.Storage.StorageClientSettings.QueueVersion) { MessageEncoding = QueueMessageEncoding.None });
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Lms.DisposeAsync();
        }
    }

    const string Operator = "ops";
    const string OperatorPassword = "ops-password";

    FunctionsHostFake Host => worker.Host;

    [Fact]
    public void Every_function_the_worker_reports_loads_and_is_the_one_the_standalone_app_serves()
    {
        output.WriteLine($"worker init to last function loaded: {Host.InitToLoaded.TotalMilliseconds:F0} ms; process start to loaded: {Host.StartToLoaded.TotalMilliseconds:F0} ms");
        Assert.All(Host.Functions, function => Assert.Null(function.LoadError));
        Assert.Equal(
            FunctionCatalog.App.All.Select(f => (f.Name, f.Route, f.Schedule, f.QueueName)),
            Host.Functions.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (f.Name, f.Trigger!.Route, f.Trigger.Schedule, f.Trigger.QueueName)));
    }

    [Fact]
    public async Task A_submission_is_submitted_pulled_and_graded_through_the_worker_and_its_result_reaches_the_LMS()
    {
        var lms = await LoginAsync(TestService.LmsUser, TestService.LmsPassword);
        var header = LegacyText.Header(worker.Lms.CallbackUrl(901, "host"), "host-key", TestService.Queue);
        var submitted = await SendAsync("Submit", Form(HttpMethod.Post, "/xqueue/submit/", lms, ("xqueue_header", header), ("xqueue_body", LegacyText.Body("print(1)"))));
        Assert.Equal(0, JsonDocument.Parse(submitted).RootElement.GetProperty("return_code").GetInt32());

        var grader = await LoginAsync(TestService.GraderUser, TestService.GraderPassword);
        var pulled = JsonDocument.Parse(await SendAsync("GetSubmission", Form(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={TestService.Queue}", grader)));
        Assert.Equal(0, pulled.RootElement.GetProperty("return_code").GetInt32());
        using var content = JsonDocument.Parse(pulled.RootElement.GetProperty("content").GetString()!);
        var replyHeader = content.RootElement.GetProperty("xqueue_header").GetString()!;

        var put = await SendAsync("PutResult", Form(HttpMethod.Post, "/xqueue/put_result/", grader,
            ("xqueue_header", replyHeader), ("xqueue_body", "{\"correct\": true, \"score\": 1, \"msg\": \"host\"}")));
        Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", put);
        // The LMS listener is shared with the other tests of this class: wait for this submission's callback.
        Assert.NotNull(await worker.Lms.WaitForAsync(d => d.Header.Contains("host-key", StringComparison.Ordinal), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_gate_answers_on_the_worker_path_as_standalone()
    {
        using var forged = await Host.InvokeHttpAsync("GetSubmission", WithToken(TestTokens.Unsigned("grader-x", "xqueue:score")));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Response.StatusCode);

        using var anonymous = await Host.InvokeHttpAsync("GetSubmission", new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={TestService.Queue}"));
        Assert.Equal(HttpStatusCode.Found, anonymous.Response.StatusCode);
        Assert.StartsWith("/xqueue/login/", anonymous.Response.Headers.Location!.OriginalString);

        var lms = await LoginAsync(TestService.LmsUser, TestService.LmsPassword);
        using var wrongRight = await Host.InvokeHttpAsync("GetSubmission", Form(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={TestService.Queue}", lms));
        Assert.Equal(HttpStatusCode.Forbidden, wrongRight.Response.StatusCode);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Not allowed\"}", await wrongRight.Response.Content.ReadAsStringAsync());

        using var signed = await Host.InvokeHttpAsync("GetQueueLen", WithToken(TestTokens.Hs("grader-y", "xqueue:score"), "/xqueue/get_queuelen/"));
        Assert.Equal(HttpStatusCode.OK, signed.Response.StatusCode);
    }

    [Fact]
    public async Task The_dashboards_razor_pages_render_and_its_login_form_works_on_the_worker_path()
    {
        using var form = await Host.InvokeHttpAsync("DashboardLoginForm", new HttpRequestMessage(HttpMethod.Get, "/xqueue/dashboard/login"));
        Assert.Equal(HttpStatusCode.OK, form.Response.StatusCode);
        Assert.Equal("text/html", form.Response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("frame-ancestors 'none'", form.Response.Headers.GetValues("Content-Security-Policy").Single());
        var page = await form.Response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Log in</h1>", page);

        var antiforgery = Cookies(form.Response);
        using var login = await Host.InvokeHttpAsync("DashboardLogIn", Form(HttpMethod.Post, "/xqueue/dashboard/login", antiforgery,
            ("username", Operator), ("password", OperatorPassword), ("next", "/xqueue/dashboard/"), ("__RequestVerificationToken", Dashboard.DashboardClient.Token(page))));
        Assert.Equal(HttpStatusCode.Redirect, login.Response.StatusCode);

        using var overview = await Host.InvokeHttpAsync("Dashboard", Form(HttpMethod.Get, "/xqueue/dashboard/", $"{antiforgery}; {Cookies(login.Response)}"));
        Assert.Equal(HttpStatusCode.OK, overview.Response.StatusCode);
        var queues = await overview.Response.Content.ReadAsStringAsync();
        Assert.Contains($"<tr data-queue=\"{TestService.Queue}\">", queues);
        Assert.Contains("<h2>Audit log</h2>", queues);
    }

    [Fact]
    public async Task The_sweep_timer_runs()
    {
        var sweep = await Host.InvokeTimerAsync("Sweep");
        Assert.True(sweep.Succeeded, sweep.ToString());
    }

    [Fact]
    public async Task The_history_timer_writes_a_row_per_queue_for_the_charts()
    {
        var record = await Host.InvokeTimerAsync("RecordQueueHistory");
        Assert.True(record.Succeeded, record.ToString());
        var rows = worker.History.QueryAsync<Azure.Data.Tables.TableEntity>(row => row.PartitionKey != "", maxPerPage: 10);
        await foreach (var row in rows)
        {
            Assert.Equal(TestService.Queue, row.GetString("Queue"));
            return;
        }
        Assert.Fail("the timer wrote no row");
    }

    [Fact]
    public async Task An_outbox_entry_the_queue_trigger_is_handed_reaches_the_LMS_once_and_leaves_the_outbox()
    {
        var (id, key) = await SubmitAndGradeWhileTheLmsFailsAsync();
        var message = await LeaseOutboxEntryAsync(id);

        var trigger = await Host.InvokeQueueAsync("DeliverResult", new QueueMessageFacts(message.Body.ToString(), message.DequeueCount,
            message.MessageId, message.PopReceipt, message.InsertedOn!.Value, message.ExpiresOn!.Value, message.NextVisibleOn!.Value));

        Assert.True(trigger.Succeeded, trigger.ToString());
        Assert.Single(worker.Lms.Received, d => d.Header.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain((await worker.Outbox.PeekMessagesAsync(32)).Value, m => m.Body.ToString().StartsWith($"{id}:", StringComparison.Ordinal));
    }

    async Task<(long Id, string Key)> SubmitAndGradeWhileTheLmsFailsAsync()
    {
        var lms = await LoginAsync(TestService.LmsUser, TestService.LmsPassword);
        var grader = await LoginAsync(TestService.GraderUser, TestService.GraderPassword);
        var key = $"outbox-{Guid.NewGuid():N}";
        var header = LegacyText.Header(worker.Lms.CallbackUrl(902, key), key, TestService.Queue);
        await SendAsync("Submit", Form(HttpMethod.Post, "/xqueue/submit/", lms, ("xqueue_header", header), ("xqueue_body", LegacyText.Body("print(2)"))));
        using var pulled = JsonDocument.Parse(JsonDocument.Parse(await SendAsync("GetSubmission",
            Form(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={TestService.Queue}", grader))).RootElement.GetProperty("content").GetString()!);
        var replyHeader = pulled.RootElement.GetProperty("xqueue_header").GetString()!;
        var id = JsonDocument.Parse(replyHeader).RootElement.GetProperty("submission_id").GetInt64();

        worker.Lms.Status = 500; // the first attempt, right after put_result, fails: the entry stays in the outbox
        var before = worker.Lms.Attempts;
        await SendAsync("PutResult", Form(HttpMethod.Post, "/xqueue/put_result/", grader, ("xqueue_header", replyHeader), ("xqueue_body", "outbox")));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (worker.Lms.Attempts == before && DateTime.UtcNow < deadline) await Task.Delay(50);
        worker.Lms.Status = 200;
        return (id, key);
    }

    async Task<Azure.Storage.Queues.Models.QueueMessage> LeaseOutboxEntryAsync(long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            // As the host's queue listener takes it: a lease on the message, which the invocation then owns.
            foreach (var message in (await worker.Outbox.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value)
            {
                if (message.Body.ToString().StartsWith($"{id}:", StringComparison.Ordinal)) return message;
                await worker.Outbox.UpdateMessageAsync(message.MessageId, message.PopReceipt, (string?)null, TimeSpan.Zero);
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No outbox entry for submission {id}.");
    }

    async Task<string> LoginAsync(string user, string password)
    {
        using var login = await Host.InvokeHttpAsync("Login", Form(HttpMethod.Post, "/xqueue/login/", null, ("username", user), ("password", password)));
        Assert.Equal("{\"return_code\": 0, \"content\": \"Logged in\"}", await login.Response.Content.ReadAsStringAsync());
        return Cookies(login.Response);
    }

    static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(cookie => cookie.Split(';')[0]));

    async Task<string> SendAsync(string function, HttpRequestMessage request)
    {
        using var answer = await Host.InvokeHttpAsync(function, request);
        Assert.True(answer.Invocation.Succeeded, answer.Invocation.ToString());
        return await answer.Response.Content.ReadAsStringAsync();
    }

    static HttpRequestMessage Form(HttpMethod method, string path, string? cookie, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (fields.Length > 0) request.Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        return request;
    }

    static HttpRequestMessage WithToken(string token, string path = "/xqueue/get_submission/") =>
        new(HttpMethod.Get, $"{path}?queue_name={TestService.Queue}") { Headers = { { "Authorization", "Bearer " + token } } };
}
