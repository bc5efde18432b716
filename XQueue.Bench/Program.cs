using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Bench;
using XQueue.Bench.Phases;
using XQueue.Bench.Rig;

// XQueue.Bench: measurements that back the claims of README.md and docs/performance.md, printed as one JSON summary and a headline; with
// --compare, another commit's run first and the two side by side (OtherCommit, SideBySide) between them.
//   dotnet run --project XQueue.Bench -c Release [-- --phases coldstart,submits,… | --skip-coldstart | --coldstart plain,r2r,composite | --quick | --runs N
//     | --instances N | --storage-latency ms | --compare <git ref>]   (--help: the usage)
if (BenchOptions.AsksForHelp(args))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
BenchOptions options;
OtherCommit? other = null;
try
{
    options = BenchOptions.Parse(args);
    if (options.Compare is { } reference) other = await OtherCommit.ResolveAsync(reference);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// --compare: the other commit's bench first and to its end, so that the two never run at once; each phase of
// either starts an Azurite of its own, so neither finds the emulator warm from the other.
JsonObject? otherSummary = null;
var thisCommit = "";
if (other is not null)
{
    thisCommit = await Git.DescribeHeadAsync();
    Console.Error.WriteLine($"[bench] compare: {other.Name} first, then this checkout ({thisCommit})");
    try
    {
        otherSummary = await other.RunBenchAsync(options.PassedOn);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"[bench] compare: {other.Name} gave no summary: {e.Message}");
        return 1;
    }
    Console.Error.WriteLine($"[bench] compare: machine settled after its run ({(await Machine.SettleAsync()).TotalSeconds:F0} s); now this checkout");
}

// Started after the other commit's run: the budget (and the wave's share of it) is this run's own.
var budget = new Budget(Budget.Default);
var summary = new JsonObject
{
    ["date"] = DateTimeOffset.UtcNow.ToString("u"),
    ["command"] = "dotnet run --project XQueue.Bench -c Release" + (args.Length > 0 ? " -- " + string.Join(' ', args) : ""),
    ["machine"] = Machine.Describe(),
    ["budgetSeconds"] = budget.Total.TotalSeconds,
    // The service's shape in every load phase: flat, so a summary is read the same way whichever commit wrote it.
    ["instances"] = options.Topology.Instances,
    ["storageLatencyMs"] = options.Topology.StorageLatency.TotalMilliseconds,
};
using var http = new HttpAttempts();
var phases = new PhaseRunner(options, summary, http);

// The published handler in its own process, as the Functions host starts it (publishing first: minutes on a clean clone).
var coldStart = await phases.RunAsync("coldstart", () => ColdStart.MeasureAsync(options.ColdStartVariants, options.ColdStartRuns), r => r.ToJson());

// The service in this process (--instances N: N of it on one storage), driven over HTTP on 127.0.0.1 as the LMS and
// xqueue-watcher drive it.
var submits = await phases.RunAsync("submits", () => SubmitThroughput.MeasureAsync(options), r => r.ToJson());
var cycles = await phases.RunAsync("cycles", () => GradedCycles.MeasureAsync(options), r => r.ToJson());
var depth = cycles?.Depth; // measured in the same rigs
if (depth is not null) summary["depth"] = depth.ToJson();
var scaling = cycles?.Scaling(); // --instances N: N instances against one, in the same phase
var requestCosts = RequestCosts.Of(options.Topology, submits, cycles);
if (requestCosts is not null) summary["requestCosts"] = requestCosts.ToJson();
var duplicates = await phases.RunAsync("duplicates", () => DuplicateDeliveries.MeasureAsync(options), r => r.ToJson());
var calls = await phases.RunAsync("calls", () => StorageCallsPerSubmission.MeasureAsync(options), r => r.ToJson());
var e2e = await phases.RunAsync("e2e", () => EndToEnd.MeasureAsync(options), r => r.ToJson());

// The same storage calls without the service: the floor it is compared to.
var floor = await phases.RunAsync("floor", () => RawFloor.MeasureAsync(options), r => r.ToJson());
var floorFraction = Comparison.FloorFraction(cycles, floor);
if (floorFraction is not null) summary["serviceVsFloor"] = floorFraction.ToJson();

// Last, and bounded by what is left of the budget: an exam deadline. Beside it, idle graders for a minute: they
// cost the machine next to nothing and are measured in storage calls their own requests make (the wave's rig
// does not name its requests, so none of its calls are filed under theirs), not in time.
var idleRun = phases.RunAsync("idle", () => IdleGraders.MeasureAsync(options), r => r.ToJson());
var waveLimit = budget.Allow(options.Seconds(330, 60), reserve: ExamWave.DeliveryGrace + TimeSpan.FromSeconds(10));
var wave = await phases.RunAsync("wave", () => ExamWave.MeasureAsync(options, waveLimit), r => r.ToJson());
var idle = await idleRun;

// Opt-in only (--phases dashboard): 100,000 submissions written straight into storage, then every dashboard view timed.
var dashboard = await phases.RunAsync("dashboard", () => DashboardViews.MeasureAsync(options), r => r.ToJson());

summary["machine"]!["loadAverageAtEnd"] = Machine.LoadAverage();
summary["wallSeconds"] = Math.Round(budget.Elapsed.TotalSeconds, 1);
var headline = Headline.Of(budget.Elapsed, options.Topology == Topology.Single ? null : options.Topology.Describe(),
    ("submits", submits?.Headline()),
    ("cycles", cycles?.Headline()),
    ("duplicates", duplicates?.Headline()),
    ("depth", depth?.Headline()),
    ("requests", requestCosts?.Headline()),
    ("calls", calls?.Headline()),
    ("idle", idle?.Headline()),
    ("e2e", e2e?.Headline()),
    ("floor", floor is null ? null : $"{floorFraction?.Headline() ?? "floor"}; floors over taking ahead's: this service's {floor.OverTakingAhead(1):F2} (1) / {floor.OverTakingAhead(4):F2} (4), result in the message (before) {floor.OverTakingAhead(1, CycleCalls.ResultInMessage):F2} / {floor.OverTakingAhead(4, CycleCalls.ResultInMessage):F2}"),
    ("wave", wave?.Headline()),
    ("coldstart", coldStart?.Headline()));
if (scaling is not null) headline += " | " + scaling.Headline();
if (requestCosts?.LatencyHeadline() is { } latency) headline += " | " + latency;
if (dashboard is not null) headline += " | " + dashboard.Headline();
summary["headline"] = headline;
var sideBySide = otherSummary is null ? null : SideBySide.Of(other!, thisCommit, otherSummary, summary);
if (sideBySide is not null) summary["compare"] = sideBySide.ToJson();
Console.WriteLine(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
if (sideBySide is not null) Console.WriteLine(sideBySide.Table());
Console.WriteLine(headline);
return 0;
