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

    /// <summary>
    /// How busy the rest of the machine was while a command ran: CPU time every process used
    /// (from /proc/stat) minus what this process and the children it waited for used (from
    /// /proc/self/stat), as a share of one core, plus the time the hypervisor gave our virtual CPUs
    /// to someone else (steal). A load average moves too slowly to show a build that ran for
    /// ten seconds of a two-minute measurement; this does.
    /// </summary>
    public sealed class CpuMeter
    {
        private readonly (long Busy, long Steal, long Total)? machineStart = MachineTicks();
        private readonly long? ownStart = OwnTicks();

        /// <summary>Other processes' CPU time and steal since this meter started, each as a share of one core; null off Linux.</summary>
        public (double Others, double Steal)? Shares()
        {
            if (machineStart is not { } start || ownStart is not { } own || MachineTicks() is not { } end || OwnTicks() is not { } ownEnd)
                return null;
            double elapsed = (double)(end.Total - start.Total) / Environment.ProcessorCount;   // ticks of one core
            if (elapsed <= 0) return null;
            return (Math.Max(0, (end.Busy - start.Busy) - (ownEnd - own)) / elapsed, (end.Steal - start.Steal) / elapsed);
        }

        /// <summary>e.g. "other processes used 3% of a core on average, steal 0.1%".</summary>
        public string Report() => Shares() is { } shares
            ? $"other processes used {100 * shares.Others:F0}% of a core on average, steal {100 * shares.Steal:F1}%"
            : "other processes' CPU use unknown";

        private static (long Busy, long Steal, long Total)? MachineTicks()
        {
            if (!File.Exists("/proc/stat")) return null;
            // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            long total = fields.Sum(), idle = fields[3] + fields[4], steal = fields[7];
            return (total - idle - steal, steal, total);
        }

        private static long? OwnTicks()
        {
            if (!File.Exists("/proc/self/stat")) return null;
            // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th field overall.
            string stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Skip(11).Take(4).Sum(v => long.Parse(v, CultureInfo.InvariantCulture));
        }
    }
}
