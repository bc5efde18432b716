using System.Net;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Intake;

namespace XQueue.Functions.Tests.Auth;

/// <summary>
/// The LMS callback URL comes from the submitter: outside the allowlist, or at link-local/metadata addresses,
/// it is refused at submit with the legacy invalid-format reply, and the delivery path refuses it again on
/// the address it resolves to, so nothing is ever sent there.
/// </summary>
public sealed class CallbackSafetyTests
{
    public static TheoryData<string> RefusedAtSubmit() => new()
    {
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/cb",
        "http://[::ffff:169.254.169.254]/cb",
        "http://2852039166/cb", // 169.254.169.254 written as one number
        "http://168.63.129.16/cb",
        "http://0.0.0.0:8000/cb",
        "http://10.0.0.5/cb",
        "http://192.168.1.10/cb",
        "http://localhost:9/cb", // loopback by name, and only 127.0.0.1 is listed
        "http://lms.example.com/cb", // not in the allowlist
    };

    [Theory]
    [MemberData(nameof(RefusedAtSubmit))]
    public async Task Refused_at_submit_with_the_legacy_invalid_format_reply(string callbackUrl)
    {
        await using var service = await TestService.StartAsync();
        using var lms = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        var (code, message) = await lms.SubmitAsync(LegacyText.Header(callbackUrl, "k", TestService.Queue), LegacyText.Body("x = 1"));
        Assert.Equal((1, "Queue request has invalid format"), (code, message));
    }

    [Fact]
    public async Task Metadata_addresses_are_refused_even_when_listed_and_listed_private_hosts_are_allowed()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:CallbackHosts"] = "169.254.169.254, localhost, 10.0.0.5",
        });
        using var lms = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        async Task<int> SubmitAsync(string url) => (await lms.SubmitAsync(LegacyText.Header(url, "k", TestService.Queue), LegacyText.Body("x"))).Code;
        Assert.Equal(1, await SubmitAsync("http://169.254.169.254/cb"));
        Assert.Equal(0, await SubmitAsync("http://localhost:9/cb"));
        Assert.Equal(0, await SubmitAsync("http://10.0.0.5/cb"));
        Assert.Equal(1, await SubmitAsync("http://127.0.0.1:9/cb")); // loopback, but this literal is not listed
    }

    [Fact]
    public void Wildcards_allow_public_addresses_but_never_internal_ones()
    {
        var allowlist = new CallbackAllowlist(Options.Create(new XQueueOptions { CallbackHosts = "*.example.com, lms.internal" }));
        Assert.Null(allowlist.Refusal("lms.example.com", IPAddress.Parse("93.184.216.34")));
        Assert.NotNull(allowlist.Refusal("lms.example.com", IPAddress.Parse("10.1.2.3")));
        Assert.NotNull(allowlist.Refusal("lms.example.com", IPAddress.Loopback));
        Assert.NotNull(allowlist.Refusal("other.org", IPAddress.Parse("93.184.216.34")));
        Assert.Null(allowlist.Refusal("lms.internal", IPAddress.Parse("10.1.2.3")));
        Assert.NotNull(allowlist.Refusal("lms.internal", IPAddress.Parse("169.254.169.254")));

        var open = new CallbackAllowlist(Options.Create(new XQueueOptions()));
        Assert.Null(open.Refusal("lms.example.com", IPAddress.Parse("93.184.216.34")));
        Assert.NotNull(open.Refusal("lms.example.com", IPAddress.Parse("172.20.0.1")));
        Assert.NotNull(open.Refusal("lms.example.com", IPAddress.Parse("fd00:ec2::254")));
    }

    [Fact]
    public async Task Delivery_refuses_an_address_outside_the_allowlist_after_resolution_and_never_connects()
    {
        await using var lmsServer = await FakeLms.StartAsync();
        // An open list: the names pass the host check, so only the rule on the address they resolve to can refuse them.
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:CallbackHosts"] = "" });
        var callback = service.Get<LmsCallback>();

        var literal = await callback.PostAsync(lmsServer.CallbackUrl(1, "b"), "{}", "{}");
        var byName = await callback.PostAsync(lmsServer.CallbackUrl(1, "b").Replace("127.0.0.1", "localhost"), "{}", "{}");

        Assert.False(literal.Delivered);
        Assert.False(byName.Delivered);
        Assert.Equal(0, lmsServer.Attempts);
    }

    [Fact]
    public async Task Delivery_reaches_a_listed_loopback_lms()
    {
        await using var lmsServer = await FakeLms.StartAsync();
        await using var service = await TestService.StartAsync();
        var outcome = await service.Get<LmsCallback>().PostAsync(lmsServer.CallbackUrl(1, "b"), "{}", "{}");
        Assert.True(outcome.Delivered);
        Assert.Equal(1, lmsServer.Attempts);
    }
}
