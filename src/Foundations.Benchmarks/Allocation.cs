using System.Diagnostics;
using System.Runtime;
using System.Text.Json.Nodes;
using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary>
/// <c>-- allocation</c>: what a fresh n×n float32 result costs before any arithmetic, against
/// reusing one: allocate it and write every element once, as a plain uninitialised array and as
/// the storage <c>a.MatMul(b)</c> gets (<see cref="LargePages"/> in the engine: on huge pages where Linux offers them). Run in this process (the GC as configured), in a child process with background
/// collection switched off (DOTNET_gcConcurrent=0), and in NumPy (<c>np.empty</c> and fill).
/// This is what separates <c>a.MatMul(b)</c> from the engine's <c>Gemm.Multiply</c> into a preallocated array at 2048 and 4096 in <c>scale</c>.
/// </summary>
public static class Allocation
{
    private static readonly int[] Sizes = [1024, 2048, 4096];

    public static int Run(string[] args)
    {
        bool child = args is ["--child"];
        if (!child)
        {
            Console.WriteLine($"{Machine.CpuName()}; load average before: {Machine.LoadAverage()}");
            if (Machine.BusyWarning() is { } warning) Console.WriteLine(warning);
        }
        var meter = new Machine.CpuMeter();
        Console.WriteLine($".NET GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode} " +
            $"({(GCSettings.LatencyMode == GCLatencyMode.Batch ? "background collection off" : "background collection on")})");
        foreach (int n in Sizes)
        {
            int count = n * n;
            var reused = new float[count];
            int reps = n >= 4096 ? 20 : 40;
            var fresh = Milliseconds(() => GC.AllocateUninitializedArray<float>(count), reps);
            var tensor = Milliseconds(() => { var t = Tensor.Uninitialized([n, n], "allocation"); return t.Storage.AsMemory(t.Offset, count); }, reps);
            var again = Milliseconds(() => reused, reps);
            Console.WriteLine($"  {n}x{n} ({count / 262144} MB): fresh array and one write {fresh.Best:F2} ms (median {fresh.Median:F2}), " +
                $"fresh tensor (huge pages: {(LargePages.Available ? "yes" : "no")}) {tensor.Best:F2} ms (median {tensor.Median:F2}), " +
                $"reused array {again.Best:F2} ms (median {again.Median:F2}); {reps} runs, {GC.CollectionCount(2)} full collections so far");
        }
        if (child) return 0;

        Console.WriteLine("The same in a child process with DOTNET_gcConcurrent=0:");
        Console.Out.Flush();
        // Started through `dotnet <dll>`, the child needs the dll; started as the app host, it must not get it.
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(Allocation).Assembly.Location);
        start.ArgumentList.Add("allocation");
        start.ArgumentList.Add("--child");
        start.Environment["DOTNET_gcConcurrent"] = "0";
        using (var process = Process.Start(start)!) process.WaitForExit();

        var specs = Sizes.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kind"] = "allocation", ["n"] = n,
            ["min_samples"] = 20, ["max_seconds"] = 1.0, ["warmup_seconds"] = 0.2,
        });
        if (Reference.Run(1, specs, pinOpenBlasThreads: true) is { } reference)
        {
            Console.WriteLine($"NumPy {reference["numpy"]}, np.empty((n, n), np.float32) and fill, against filling one array again:");
            foreach (var (name, result) in reference["results"]!["numpy"]!.AsObject())
            {
                var reused = reference["results"]!["numpy reused"]![name]!;
                Console.WriteLine($"  {name}x{name}: fresh {(double)result!["best_us"]! / 1e3:F2} ms (median {(double)result["median_us"]! / 1e3:F2}), " +
                    $"reused {(double)reused["best_us"]! / 1e3:F2} ms (median {(double)reused["median_us"]! / 1e3:F2})");
            }
        }
        Console.WriteLine($"load average after: {Machine.LoadAverage()}; {meter.Report()}");
        return 0;
    }

    /// <summary>Best and median time of <paramref name="reps"/> runs of: get an array, write every element once.</summary>
    private static (double Best, double Median) Milliseconds(Func<Memory<float>> get, int reps)
    {
        for (int warm = 0; warm < 3; warm++) get().Span.Fill(1f);
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            long begin = Stopwatch.GetTimestamp();
            get().Span.Fill(1f);
            times.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
        }
        times.Sort();
        return (times[0], times[reps / 2]);
    }
}
