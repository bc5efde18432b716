namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The usual cast of a grading test: the service, a real LMS listener, the LMS's client and one
/// xqueue-watcher. Submissions are made for learner <c>user</c> on problem <c>block</c>.
/// </summary>
public sealed class GradingRig : IAsyncDisposable
{
    GradingRig(TestService service, FakeLms lms)
    {
        Service = service;
        Lms = lms;
        LmsClient = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        Watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
    }

    public TestService Service { get; }
    public FakeLms Lms { get; }
    public LmsClient LmsClient { get; }
    public WatcherClient Watcher { get; }

    public static async Task<GradingRig> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null) =>
        new(await TestService.StartAsync(settings, overrides), await FakeLms.StartAsync());

    public string Header(int user, string block, string lmsKey = "k", string padding = "") =>
        LegacyText.Header(Lms.CallbackUrl(user, block, padding), lmsKey, TestService.Queue);

    public Task<(int Code, string Message)> SubmitAsync(int user, string block, string code, IReadOnlyDictionary<string, byte[]>? files = null) =>
        LmsClient.SubmitAsync(Header(user, block), LegacyText.Body(code), files);

    public async ValueTask DisposeAsync()
    {
        LmsClient.Dispose();
        Watcher.Dispose();
        await Lms.DisposeAsync();
        await Service.DisposeAsync();
    }
}
