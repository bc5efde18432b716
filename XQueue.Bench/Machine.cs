using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace XQueue.Bench;

/// <summary>What the numbers were measured on, printed with them.</summary>
public static class Machine
{
    public static JsonObject Describe() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["cores"] = Environment.ProcessorCount,
        ["memoryGiB"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["cpu"] = CpuModel(),
        ["loadAverageAtStart"] = LoadAverage(),
    };

    /// <summary>The 1-minute load average (Linux), to show what else the machine was doing; null elsewhere.</summary>
    public static double? LoadAverage()
    {
        const string loadavg = "/proc/loadavg";
        if (!File.Exists(loadavg)) return null;
        return double.Parse(File.ReadAllText(loadavg).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Before a compared run (<c>--compare</c>): dirty pages written out and the load average back under 1, for at most
    /// two minutes. Measured without it, the second run's first phase, right after the first run's exam wave, ran at about
    /// half the speed it had alone (one LMS client: 96 submits/s against 177, the same build).
    /// </summary>
    /// <returns>How long it waited.</returns>
    public static async Task<TimeSpan> SettleAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (OperatingSystem.IsLinux()) await Command.RunAsync("sync", Environment.CurrentDirectory, []);
        while (LoadAverage() is > 1.0 && clock.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(TimeSpan.FromSeconds(2));
        return clock.Elapsed;
    }

    static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
