using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>XQueue:Dashboard:SuperAdmins is checked at start-up like every other option, its key named.</summary>
public sealed class DashboardOptionsTests
{
    static XQueueOptions Options(params string[] extra) => Program.Build(
        ["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=",
         "--XQueue:Users:ops:Password=x", "--XQueue:Users:ops:Roles=admin", "--XQueue:Users:lms:Password=y", "--XQueue:Users:lms:Roles=submit", .. extra])
        .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;

    [Theory]
    [InlineData("nobody", "names 'nobody', who is not a configured user")]
    [InlineData("lms", "names 'lms', who lacks the admin role")]
    [InlineData("ops, lms", "names 'lms', who lacks the admin role")]
    public void A_super_admin_must_be_a_configured_admin(string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options($"--XQueue:Dashboard:SuperAdmins={value}"));
        Assert.Contains("XQueue:Dashboard:SuperAdmins", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Super_admins_are_optional_and_read_as_a_comma_list()
    {
        Assert.Empty(Options().Dashboard.SuperAdminNames);
        Assert.Equal(["ops"], Options("--XQueue:Dashboard:SuperAdmins= ops ,").Dashboard.SuperAdminNames);
    }
}
