using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>
/// The grading rig plus two operators: <c>ops</c> (admin) and <c>boss</c> (admin and super-admin, may delete).
/// MaxFailures 0 and a 1-second processing delay make a submission fail on its second unanswered pull.
/// </summary>
public sealed class DashboardRig : IAsyncDisposable
{
    public const string Admin = "ops";
    public const string AdminPassword = "ops-password";
    public const string SuperAdmin = "boss";
    public const string SuperAdminPassword = "boss-password";

    readonly Dictionary<string, string?> settings;
    readonly Action<IServiceCollection>? overrides;

    DashboardRig(GradingRig grading, Dictionary<string, string?> settings, Action<IServiceCollection>? overrides)
    {
        Grading = grading;
        this.settings = settings;
        this.overrides = overrides;
    }

    public GradingRig Grading { get; }
    public Uri BaseAddress => Grading.Service.BaseAddress;

    public static async Task<DashboardRig> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        var all = new Dictionary<string, string?>
        {
            [$"XQueue:Users:{Admin}:Password"] = AdminPassword,
            [$"XQueue:Users:{Admin}:Roles"] = "admin",
            [$"XQueue:Users:{SuperAdmin}:Password"] = SuperAdminPassword,
            [$"XQueue:Users:{SuperAdmin}:Roles"] = "admin,grade",
            ["XQueue:Dashboard:SuperAdmins"] = SuperAdmin,
            ["XQueue:MaxFailures"] = "0",
            ["XQueue:ProcessingDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return new DashboardRig(await GradingRig.StartAsync(all, overrides), all, overrides);
    }

    /// <summary>A second instance of the service on the same storage, with the same settings and services.</summary>
    public Task<TestService> AnotherInstanceAsync() => TestService.StartAsync(settings, overrides, Grading.Service.Prefix);

    public async Task<DashboardClient> OperatorAsync(string user = Admin, string password = AdminPassword)
    {
        var client = new DashboardClient(BaseAddress);
        using var login = await client.LogInAsync(user, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>Submits for learner <c>anon-{user}</c> on problem <paramref name="block"/>.</summary>
    public async Task SubmitAsync(int user, string block, string code, string grader = "grade.py", string queue = TestService.Queue)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["grader_payload"] = JsonSerializer.Serialize(new { grader }),
            ["student_info"] = JsonSerializer.Serialize(new { anonymous_student_id = $"anon-{user}", submission_time = "20261122120000", random_seed = 1 }),
            ["student_response"] = code,
        });
        var (result, message) = await Grading.LmsClient.SubmitAsync(LegacyText.Header(Grading.Lms.CallbackUrl(user, block), "k", queue), body);
        Assert.True(result == 0, message);
    }

    /// <summary>Pulls every waiting submission without answering, waits out the delay, and pulls again: all fail.</summary>
    public async Task<IReadOnlyList<long>> FailAllWaitingAsync()
    {
        var ids = new List<long>();
        while (await Pull.NextAsync(Grading.Watcher) is { } pull) ids.Add(pull.Id);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await Pull.NextAsync(Grading.Watcher)); // each message came back, and each was failed instead of handed out
        return ids;
    }

    public ValueTask DisposeAsync() => Grading.DisposeAsync();
}
