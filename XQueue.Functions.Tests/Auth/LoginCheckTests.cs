using XQueue.Functions.Auth;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>The remembered successful login never lets a wrong or outdated password through.</summary>
public sealed class LoginCheckTests
{
    [Fact]
    public async Task A_remembered_login_still_refuses_wrong_and_replaced_passwords()
    {
        await using var service = await TestService.StartAsync();
        var users = service.Get<UserStore>();

        Assert.NotNull(await users.VerifyAsync(TestService.GraderUser, TestService.GraderPassword));
        Assert.NotNull(await users.VerifyAsync(TestService.GraderUser, TestService.GraderPassword)); // remembered
        Assert.Null(await users.VerifyAsync(TestService.GraderUser, TestService.GraderPassword + "x"));
        Assert.Null(await users.VerifyAsync(TestService.LmsUser, TestService.GraderPassword));

        await users.SaveAsync(TestService.GraderUser, "new-password", [Roles.Grade]);
        Assert.Null(await users.VerifyAsync(TestService.GraderUser, TestService.GraderPassword));
        Assert.NotNull(await users.VerifyAsync(TestService.GraderUser, "new-password"));
    }
}
