using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Configuration;

/// <summary>Every option is checked at start-up, and a bad one stops the process with a message naming its key.</summary>
public sealed class StartupValidationTests
{
    static readonly string[] Valid =
    [
        "--AzureWebJobsStorage=UseDevelopmentStorage=true",
        "--XQueue:Queues:test-pull:PushUrl=",
    ];

    static string ValidationMessage(params string[] extra)
    {
        var app = Program.Build([.. Valid, .. extra]);
        var error = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value);
        return error.Message;
    }

    [Theory]
    [InlineData("--XQueue:ProcessingDelay=abc", "XQueue:ProcessingDelay")]
    [InlineData("--XQueue:ProcessingDelay=00:00:00", "XQueue:ProcessingDelay")]
    [InlineData("--XQueue:ProcessingDelay=8.00:00:00", "XQueue:ProcessingDelay")]
    [InlineData("--XQueue:Queues:test-pull:ProcessingDelay=-00:00:05", "XQueue:Queues:test-pull:ProcessingDelay")]
    [InlineData("--XQueue:MaxFailures=-1", "XQueue:MaxFailures")]
    [InlineData("--XQueue:MaxFailures=three", "XQueue:MaxFailures")]
    [InlineData("--XQueue:QueueWindow=9", "XQueue:QueueWindow")]
    [InlineData("--XQueue:QueueWindow=10001", "XQueue:QueueWindow")]
    [InlineData("--XQueue:QueueWindow=lots", "XQueue:QueueWindow")]
    [InlineData("--XQueue:StoragePrefix=Bad-Prefix", "XQueue:StoragePrefix")]
    [InlineData("--XQueue:Queues:push:PushUrl=not-a-url", "XQueue:Queues:push:PushUrl")]
    [InlineData("--XQueue:Users:a/b:Password=x", "XQueue:Users:a/b")]
    [InlineData("--XQueue:Users:grader:Roles=grade", "XQueue:Users:grader:Password")]
    [InlineData("--XQueue:Users:grader:Roles=superuser", "XQueue:Users:grader:Roles")]
    [InlineData("--XQueue:Sessions:SigningKey=c2hvcnQ=", "XQueue:Sessions:SigningKey")]
    [InlineData("--XQueue:Sessions:SigningKey=@Microsoft.KeyVault(VaultName=kv;SecretName=xqueue-session-signing-key)", "XQueue:Sessions:SigningKey")]
    [InlineData("--XQueue:Users:lms:Password=@Microsoft.KeyVault(VaultName=kv;SecretName=xqueue-user-lms)", "XQueue:Users:lms:Password")]
    [InlineData("--XQueue:Retention=00:00:10", "XQueue:Retention")]
    [InlineData("--XQueue:FileUrlLifetime=7.00:00:00", "XQueue:FileUrlLifetime")]
    [InlineData("--XQueue:Delivery:Timeout=00:00:00", "XQueue:Delivery:Timeout")]
    [InlineData("--XQueue:Delivery:Concurrency=0", "XQueue:Delivery:Concurrency")]
    [InlineData("--XQueue:LongPoll:Recheck=00:00:00.050", "XQueue:LongPoll:Recheck")]
    [InlineData("--XQueue:LongPoll:Recheck=00:01:00", "XQueue:LongPoll:Recheck")]
    [InlineData("--XQueue:LongPoll:Recheck=often", "XQueue:LongPoll:Recheck")]
    [InlineData("--XQueue:MaxLease=00:00:30", "XQueue:MaxLease")] // shorter than the 1 minute processing delay
    [InlineData("--XQueue:MaxLease=8.00:00:00", "XQueue:MaxLease")]
    [InlineData("--XQueue:Queues:test-pull:MaxLease=00:00:30", "XQueue:Queues:test-pull:MaxLease")]
    public void A_bad_value_is_reported_with_its_key(string setting, string key) =>
        Assert.Contains(key, ValidationMessage(setting, "--XQueue:Users:seeded:Password=x"));

    [Fact]
    public void MaxLease_defaults_to_30_minutes_and_is_never_below_a_queue_s_processing_delay()
    {
        var options = Program.Build([.. Valid, "--XQueue:Queues:slow:ProcessingDelay=01:00:00", "--XQueue:Queues:fast:MaxLease=00:05:00"])
            .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaxLeaseOf("test-pull"));
        Assert.Equal(TimeSpan.FromHours(1), options.MaxLeaseOf("slow"));
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxLeaseOf("fast"));
        Assert.Equal(TimeSpan.FromSeconds(5), options.LongPoll.Recheck);
        // Set explicitly, it must cover the longest processing delay.
        Assert.Contains("XQueue:MaxLease", ValidationMessage("--XQueue:Queues:slow:ProcessingDelay=01:00:00", "--XQueue:MaxLease=00:30:00"));
    }

    [Fact]
    public void No_declared_queue_is_refused()
    {
        var app = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true"]);
        var error = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value);
        Assert.Contains("XQueue:Queues", error.Message);
    }

    [Fact]
    public void A_queue_declared_by_an_empty_key_exists_with_the_defaults()
    {
        var options = Program.Build([.. Valid, "--XQueue:Queues:MITx-6.00x:PushUrl="]).Services.GetRequiredService<IOptions<XQueueOptions>>().Value;
        Assert.Equal(["MITx-6.00x", "test-pull"], options.Queues.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(1), options.ProcessingDelayOf("MITx-6.00x"));
        Assert.Equal(3, options.MaxFailures);
        Assert.Equal(200, options.QueueWindow);
    }

    [Theory]
    [InlineData(new[] { "--XQueue:Queues:q:PushUrl=" }, "AzureWebJobsStorage")]
    [InlineData(new[] { "--XQueue:Queues:q:PushUrl=", "--AzureWebJobsStorage=AccountName=x;AccountKey=@@@" }, "AzureWebJobsStorage")]
    [InlineData(new[] { "--XQueue:ProcessingDelay=soon", "--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:q:PushUrl=" }, "XQueue:ProcessingDelay")]
    public async Task Main_stops_with_exit_code_2_and_names_the_key(string[] args, string key)
    {
        var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            Assert.Equal(2, await Program.Main([.. args, "--urls=http://127.0.0.1:0"]));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains(key, stderr.ToString());
        Assert.DoesNotContain("@@@", stderr.ToString());
    }

    [Fact]
    public void Queues_can_be_declared_in_one_json_setting_for_hosts_whose_setting_names_cannot_hold_them()
    {
        var options = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true",
            "--XQueue:QueuesJson={\"MITx-6.00x\": {\"PushUrl\": \"\", \"ProcessingDelay\": \"00:05:00\"}, \"test-pull\": {}}"])
            .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;
        Assert.Equal(["MITx-6.00x", "test-pull"], options.Queues.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(5), options.ProcessingDelayOf("MITx-6.00x"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"a\": {\"PushUrl\": 5}}")]
    [InlineData("{\"a\": {\"Colour\": \"red\"}}")]
    public void A_bad_queues_json_is_reported_with_its_key(string json) =>
        Assert.Contains("XQueue:QueuesJson", ValidationMessage("--XQueue:QueuesJson=" + json));
}
