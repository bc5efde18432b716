using System.Net;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

public sealed class UserSeedingTests
{
    static async Task<string> LoginAsync(TestService service, string user, string password)
    {
        using var client = RawClient.Anonymous(service);
        return (await client.PostFormAsync("/xqueue/login/", ("username", user), ("password", password))).Body;
    }

    [Fact]
    public async Task Users_follow_configuration_across_restarts_new_password_and_removal_included()
    {
        const string loggedIn = "{\"return_code\": 0, \"content\": \"Logged in\"}";
        const string refused = "{\"return_code\": 1, \"content\": \"Incorrect login credentials\"}";
        var prefix = Azurite.NewPrefix();
        await using (var first = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Users:extra:Password"] = "extra-password",
            ["XQueue:Users:extra:Roles"] = "grade",
        }, prefix: prefix))
        {
            Assert.Equal(loggedIn, await LoginAsync(first, "extra", "extra-password"));
        }

        // Restarted without "extra" and with a new grader password (TestService always seeds lms and grader).
        await using var second = await TestService.StartAsync(new Dictionary<string, string?>
        {
            [$"XQueue:Users:{TestService.GraderUser}:Password"] = "rotated-password",
        }, prefix: prefix);
        Assert.Equal(refused, await LoginAsync(second, "extra", "extra-password"));
        Assert.Equal(refused, await LoginAsync(second, TestService.GraderUser, TestService.GraderPassword));
        Assert.Equal(loggedIn, await LoginAsync(second, TestService.GraderUser, "rotated-password"));
        Assert.Equal(loggedIn, await LoginAsync(second, TestService.LmsUser, TestService.LmsPassword));
    }
}
