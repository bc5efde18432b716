using XQueue.Bench.Rig;
using XQueue.Functions.Configuration;

namespace XQueue.Bench;

/// <summary>
/// The command line: <c>[--phases a,b,…] [--skip-coldstart] [--coldstart plain,r2r,composite] [--quick] [--runs N]
/// [--instances N] [--storage-latency ms] [--compare ref]</c>.
/// By default every phase runs at full size and cold start measures the publish the package ships (framework-dependent
/// ReadyToRun; <c>--coldstart plain,r2r,composite</c> adds the others, composite taking minutes to compile the framework);
/// <c>--quick</c> shrinks counts and durations for a smoke run (numbers not comparable).
/// <c>--compare &lt;git ref&gt;</c> first runs that commit's bench with the other arguments (<see cref="PassedOn"/>),
/// then this one's, and sets the two side by side (<see cref="OtherCommit"/>, <see cref="SideBySide"/>).
/// <c>--instances N</c> runs every load phase against N instances of the service on one storage, each request to the
/// next instance; <c>--storage-latency ms</c> adds that delay to every storage call the service makes (<see cref="Topology"/>).
/// Both are passed on to the other commit's bench, which must know them too.
/// </summary>
public sealed record BenchOptions(
    IReadOnlySet<string> Phases, bool Quick, int ColdStartRuns, IReadOnlyList<string> ColdStartVariants,
    string? Compare, IReadOnlyList<string> PassedOn, Topology Topology)
{
    public static readonly string[] AllPhases =
        ["coldstart", "submits", "cycles", "duplicates", "calls", "idle", "e2e", "floor", "wave"]; // cycles measures the depth ratio too

    /// <summary>Run only when named in --phases: the default run's 10-minute budget is already full.</summary>
    public static readonly string[] OptInPhases = ["dashboard"];

    public static string Usage =>
        $"Usage: dotnet run --project XQueue.Bench -c Release -- [--phases {string.Join(",", AllPhases)}] (or {string.Join(",", OptInPhases)}) " +
        $"[--skip-coldstart] [--coldstart {string.Join(",", Publish.Variants)}] [--quick] [--runs N] " +
        $"[--instances N (1-{Topology.MaxInstances}, requests in rotation)] [--storage-latency ms (added to every storage call)] [--compare <git ref>]";

    public static bool AsksForHelp(string[] args) => args.Any(arg => arg is "--help" or "-h");

    public static BenchOptions Parse(string[] args)
    {
        var phases = new HashSet<string>(AllPhases, StringComparer.Ordinal);
        var quick = false;
        var runs = 7;
        string[] variants = ["r2r"];
        string? compare = null;
        var topology = Topology.Single;
        var passedOn = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var first = i;
            switch (args[i])
            {
                case "--phases":
                    phases = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (phases.FirstOrDefault(p => !AllPhases.Contains(p) && !OptInPhases.Contains(p)) is { } unknown)
                        throw new ArgumentException($"Unknown phase '{unknown}'; phases are {string.Join(",", AllPhases.Concat(OptInPhases))}.");
                    break;
                case "--skip-coldstart":
                    phases.Remove("coldstart");
                    break;
                case "--coldstart":
                    variants = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (variants.Length == 0 || variants.FirstOrDefault(v => !Publish.Variants.Contains(v)) is not null)
                        throw new ArgumentException($"--coldstart takes a list of {string.Join(",", Publish.Variants)}.");
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--runs":
                    runs = int.Parse(Value(args, ref i));
                    if (runs < 1) throw new ArgumentException("--runs must be at least 1.");
                    break;
                case "--instances":
                    var instances = int.Parse(Value(args, ref i));
                    if (instances is < 1 or > Topology.MaxInstances) throw new ArgumentException($"--instances must be between 1 and {Topology.MaxInstances}.");
                    topology = topology with { Instances = instances };
                    break;
                case "--storage-latency":
                    var milliseconds = double.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture);
                    if (!(milliseconds >= 0 && milliseconds <= StorageOptions.MaxAddedLatency.TotalMilliseconds))
                        throw new ArgumentException($"--storage-latency is in milliseconds, 0 to {StorageOptions.MaxAddedLatency.TotalMilliseconds}.");
                    topology = topology with { StorageLatency = TimeSpan.FromMilliseconds(milliseconds) };
                    break;
                case "--compare":
                    compare = Value(args, ref i);
                    if (compare.StartsWith('-')) throw new ArgumentException("--compare needs a git ref: a commit, branch or tag.");
                    continue; // not passed on: the other commit's bench may not know it
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}");
            }
            passedOn.AddRange(args[first..(i + 1)]);
        }
        return new BenchOptions(phases, quick, quick ? Math.Min(runs, 3) : runs, variants, compare, passedOn, topology);
    }

    public bool Runs(string phase) => Phases.Contains(phase);

    /// <summary>The full-size value, or the small one under --quick.</summary>
    public int Size(int full, int quick) => Quick ? quick : full;

    public TimeSpan Seconds(double full, double quick) => TimeSpan.FromSeconds(Quick ? quick : full);

    static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
