using System.Globalization;
using System.Runtime.InteropServices;

namespace Foundations.Benchmarks;

/// <summary>What a published figure must say about where and when it was measured.</summary>
public static class Machine
{
    public static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The 1-, 5- and 15-minute load averages, or null where /proc/loadavg does not exist.</summary>
    public static double[]? LoadAverages() =>
        File.Exists("/proc/loadavg")
            ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()
            : null;

    public static string LoadAverage() =>
        LoadAverages() is { } load ? string.Join(" ", load.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))) : "unknown";

    /// <summary>
    /// A warning when other work keeps the machine busy (a 1-minute load average of 1.5 per core or
    /// more): timings taken then measure the other work as much as ours.
    /// </summary>
    public static string? BusyWarning()
    {
        if (LoadAverages() is not { } load || load[0] < 1.5 * Environment.ProcessorCount) return null;
        return $"warning: load average {load[0]:F2} on {Environment.ProcessorCount} cores; other work will slow and scatter these timings. Do not publish them.";
    }
}
