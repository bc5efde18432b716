using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Configuration;

/// <summary>
/// Settings of the wrong shape or type stop the app through its real start-up path with exit code 2 and a
/// message naming the key, what it was given and what it expects, instead of the binder's keyless errors.
/// </summary>
public sealed class ConfigurationShapeTests
{
    static readonly string[] Valid =
    [
        "--AzureWebJobsStorage=UseDevelopmentStorage=true",
        "--XQueue:Queues:test-pull:PushUrl=",
        "--urls=http://127.0.0.1:0",
    ];

    static async Task<string> StartFailureAsync(params string[] settings)
    {
        var run = await ProgramRun.RunAsync([.. Valid, .. settings]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("XQueue cannot start: ", run.Error);
        return run.Error;
    }

    // No option is an enum (the per-queue Delivery choice is text, checked by its own rule), so a bool stands for
    // "one of a fixed set of words".
    [Theory]
    [InlineData("wrong shape: a comma list written as an array", "--XQueue:CallbackHosts:0=",
        "XQueue:CallbackHosts is one value, but it was given as a list: XQueue:CallbackHosts:0. " +
        "Write one comma-separated value: XQueue:CallbackHosts=a.example.com,b.example.com")]
    [InlineData("wrong type: a whole number", "--XQueue:MaxFailures=three",
        "XQueue:MaxFailures must be a whole number; it was given 'three'.")]
    [InlineData("unknown word for a bool", "--XQueue:LegacyPermissive=yes",
        "XQueue:LegacyPermissive must be true or false; it was given 'yes'.")]
    [InlineData("unparsable TimeSpan", "--XQueue:ProcessingDelay=5m",
        "XQueue:ProcessingDelay must be a TimeSpan such as 00:01:00 or 1.00:00:00; it was given '5m'.")]
    [InlineData("unparsable optional TimeSpan", "--XQueue:Queues:test-pull:MaxLease=soon",
        "XQueue:Queues:test-pull:MaxLease must be a TimeSpan such as 00:01:00 or 1.00:00:00 (or empty); it was given 'soon'.")]
    [InlineData("a section where a value is expected", "--XQueue:Delivery:Timeout:Seconds=10",
        "XQueue:Delivery:Timeout is one value (a TimeSpan such as 00:01:00 or 1.00:00:00), but it was given keys under it: XQueue:Delivery:Timeout:Seconds.")]
    [InlineData("a value where a section is expected", "--XQueue:Throttling=off",
        "XQueue:Throttling is a section (keys such as XQueue:Throttling:Polls), not a value; it was given 'off'.")]
    [InlineData("a value where a section of named entries is expected", "--XQueue:Queues=other",
        "XQueue:Queues is a section (keys such as XQueue:Queues:<name>:PushUrl), not a value; it was given 'other'.")]
    [InlineData("a misspelt key", "--XQueue:ProcesingDelay=00:05:00",
        "XQueue:ProcesingDelay is not a setting. Did you mean XQueue:ProcessingDelay?")]
    [InlineData("a misspelt key in a named entry", "--XQueue:Users:lms:Passwrod=x",
        "XQueue:Users:lms:Passwrod is not a setting. Did you mean XQueue:Users:lms:Password?")]
    public async Task A_setting_of_the_wrong_shape_or_type_stops_the_app_with_its_key_value_and_expectation(string kind, string setting, string message)
    {
        Assert.NotEmpty(kind);
        Assert.Contains(message, await StartFailureAsync(setting));
    }

    [Theory]
    [InlineData("--XQueue:Users:lms=lms-password-123456")]
    [InlineData("--XQueue:Sessions:SigningKey:0=c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3ODkwMTIzNDU2")]
    [InlineData("--XQueue:Jwt=c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3ODkwMTIzNDU2")]
    public async Task A_misplaced_secret_is_named_but_never_shown(string setting)
    {
        var error = await StartFailureAsync(setting);
        var key = setting[2..setting.IndexOf('=')];
        Assert.Contains(key, error);
        Assert.DoesNotContain(setting[(setting.IndexOf('=') + 1)..], error);
    }

    [Fact]
    public async Task Every_problem_is_reported_in_one_start()
    {
        var error = await StartFailureAsync("--XQueue:MaxFailures=many", "--XQueue:Sweep:Interval=often", "--XQueue:Dashboard:SuperAdmins:0=ops");
        Assert.Contains("XQueue:MaxFailures", error);
        Assert.Contains("XQueue:Sweep:Interval", error);
        Assert.Contains("XQueue:Dashboard:SuperAdmins=ops-1,ops-2", error);
    }

    [Fact]
    public void Keys_are_matched_regardless_of_case_as_the_binder_matches_them()
    {
        var options = Program.Build([.. Valid, "--xqueue:maxfailures=5", "--XQUEUE:DELIVERY:TIMEOUT=00:00:20", "--XQueue:Queues:test-pull:MaxLease="])
            .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;
        Assert.Equal(5, options.MaxFailures);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Delivery.Timeout);
        Assert.Null(options.Queues["test-pull"].MaxLease);
    }
}
