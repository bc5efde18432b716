using XQueue.Functions.Auth;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

public sealed class SessionTokenTests
{
    [Fact]
    public async Task Tokens_expire_and_tampered_or_foreign_tokens_are_refused()
    {
        var clock = new ShiftedClock();
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:Sessions:Lifetime"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        await using var other = await TestService.StartAsync(); // another deployment: its own generated key
        var tokens = service.Get<SessionTokens>();
        var expires = clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        var token = tokens.Issue(new SessionClaims("grader", SessionTokens.NewSessionId(), "grade", expires));

        Assert.Equal("grader", tokens.Validate(token)!.User);
        Assert.Null(tokens.Validate(token[..^2] + (token[^2] == 'A' ? "BB" : "AA")));
        Assert.Null(tokens.Validate(token.Replace('.', '-')));
        Assert.Null(tokens.Validate("not-a-token"));
        Assert.Null(other.Get<SessionTokens>().Validate(token));

        clock.Offset = TimeSpan.FromMinutes(61);
        Assert.Null(tokens.Validate(token));
    }

    [Fact]
    public async Task An_expired_session_cookie_is_sent_to_log_in_again()
    {
        var clock = new ShiftedClock();
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:Sessions:Lifetime"] = "00:10:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());
        Assert.NotNull(await watcher.GetQueueLenAsync(TestService.Queue));
        Assert.Equal(1, watcher.Logins);

        clock.Offset = TimeSpan.FromMinutes(11);
        Assert.NotNull(await watcher.GetQueueLenAsync(TestService.Queue)); // 302 → the watcher logs in again
        Assert.Equal(2, watcher.Logins);
    }
}
