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

    static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
