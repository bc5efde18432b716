using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Bench;
using XQueue.Bench.Phases;
using XQueue.Bench.Rig;

// XQueue.Bench: measurements that back the README's claims, printed as one JSON summary and a headline.
//   dotnet run --project XQueue.Bench -c Release [-- --phases coldstart,submits,… | --skip-coldstart | --coldstart plain,r2r,composite | --quick | --runs N]
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var budget = new Budget(Budget.Default);
var summary = new JsonObject
{
    ["date"] = DateTimeOffset.UtcNow.ToString("u"),
    ["command"] = "dotnet run --project XQueue.Bench -c Release" + (args.Length > 0 ? " -- " + string.Join(' ', args) : ""),
    ["machine"] = Machine.Describe(),
    ["budgetSeconds"] = budget.Total.TotalSeconds,
};
using var http = new HttpAttempts();
var phases = new PhaseRunner(options, summary, http);

// The published handler in its own process, as the Functions host starts it (publishing first: minutes on a clean clone).
var coldStart = await phases.RunAsync("coldstart", () => ColdStart.MeasureAsync(options.ColdStartVariants, options.ColdStartRuns), r => r.ToJson());

// The service in this process, driven over HTTP on 127.0.0.1 as the LMS and xqueue-watcher drive it.
var submits = await phases.RunAsync("submits", () => SubmitThroughput.MeasureAsync(options), r => r.ToJson());
var cycles = await phases.RunAsync("cycles", () => GradedCycles.MeasureAsync(options), r => r.ToJson());
var depth = cycles?.Depth; // measured in the same rigs
if (depth is not null) summary["depth"] = depth.ToJson();
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
var headline = Headline.Of(budget.Elapsed,
    ("submits", submits?.Headline()),
    ("cycles", cycles?.Headline()),
    ("duplicates", duplicates?.Headline()),
    ("depth", depth?.Headline()),
    ("calls", calls?.Headline()),
    ("idle", idle?.Headline()),
    ("e2e", e2e?.Headline()),
    ("floor", floorFraction?.Headline()),
    ("wave", wave?.Headline()),
    ("coldstart", coldStart?.Headline()));
if (dashboard is not null) headline += " | " + dashboard.Headline();
summary["headline"] = headline;
Console.WriteLine(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(headline);
return 0;
