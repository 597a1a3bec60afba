using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Foundations.Benchmarks;

/// <summary>
/// <c>-- compare [--rounds N]</c>: times each workload here and, through reference.py, in NumPy and
/// PyTorch, then prints one table side by side. Both sides follow the same protocol: warm up for
/// half a second, then take up to 31 samples, each repeating the call for at least 2 ms, and
/// report the best and the median time per call.
/// </summary>
public static class Compare
{
    // Debian's interpreter: python3 on PATH may be one without torch.
    private const string Python = "/usr/bin/python3";

    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MinSample = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxPerWorkload = TimeSpan.FromSeconds(4);
    private const int MaxSamples = 31;

    /// <summary>What one row times. <paramref name="Spec"/> tells reference.py what to time on its side.</summary>
    private sealed record Workload(string Name, double Flops, Action AllCores, Action? OneThread, JsonObject Spec);

    private readonly record struct Timing(double BestMicroseconds, double MedianMicroseconds);

    public static int Run(string[] args)
    {
        int rounds = args is ["--rounds", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 3;
        int threads = Environment.ProcessorCount;
        var workloads = MatMulShape.All.Select(MatMul).ToList();
        workloads.Add(TrainingStep());

        Console.WriteLine($"{CpuName()}, {threads} cores, {RuntimeInformation.FrameworkDescription}, " +
            $"AVX2+FMA kernel: {System.Runtime.Intrinsics.X86.Fma.IsSupported}");

        // Rounds alternate between the two processes, so a burst of load from elsewhere on the
        // machine is as likely to hit one side as the other; each side keeps its best round.
        var best = new Dictionary<(string Who, string Workload), Timing>();
        JsonNode? about = null;
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var workload in workloads)
            {
                Console.Error.WriteLine($"round {round}/{rounds}: timing {workload.Name} here...");
                Keep(best, ("ours", workload.Name), Measure(workload.AllCores));
                if (workload.OneThread is { } oneThread) Keep(best, ("ours 1T", workload.Name), Measure(oneThread));
            }

            Console.Error.WriteLine($"round {round}/{rounds}: timing NumPy and PyTorch...");
            if (RunReference(threads, workloads) is not { } reference) continue;
            about ??= reference;
            foreach (string library in new[] { "numpy", "torch" })
                foreach (var (name, result) in reference["results"]![library]!.AsObject())
                    Keep(best, (library, name), new Timing((double)result!["best_us"]!, (double)result["median_us"]!));
        }

        if (about is not null)
            Console.WriteLine($"Python {about["python"]}, NumPy {about["numpy"]} on {about["blas"]}; " +
                $"torch {about["torch"]} with {about["torch_threads"]} threads");
        PrintTable(workloads, best, threads, rounds);
        return about is null ? 1 : 0;
    }

    private static Workload MatMul(MatMulShape shape) => new(
        shape.ToString(), shape.Flops, () => shape.Multiply(parallel: true), () => shape.Multiply(parallel: false),
        new JsonObject { ["name"] = shape.ToString(), ["kind"] = "matmul", ["m"] = shape.M, ["k"] = shape.K, ["n"] = shape.N });

    /// <summary>
    /// One forward + backward + SGD step of the 784-50-1 MSE model on a batch of 256; reference.py
    /// builds the same model in PyTorch (NumPy has no autograd, so that column stays empty).
    /// </summary>
    private static Workload TrainingStep()
    {
        var step = new TrainingStep();
        return new Workload("train step 784-50-1, batch 256", Benchmarks.TrainingStep.Flops, () => step.Run(), null,
            new JsonObject
            {
                ["name"] = "train step 784-50-1, batch 256", ["kind"] = "training_step",
                ["batch"] = Benchmarks.TrainingStep.Batch, ["inputs"] = Benchmarks.TrainingStep.Inputs,
                ["hidden"] = Benchmarks.TrainingStep.Hidden, ["lr"] = Benchmarks.TrainingStep.LearningRate,
            });
    }

    private static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();

    private static Timing Measure(Action call)
    {
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < Warmup) call();

        long begin = Stopwatch.GetTimestamp();
        call();
        var one = Stopwatch.GetElapsedTime(begin);
        int batch = (int)Math.Max(1, MinSample.Ticks / Math.Max(one.Ticks, 1) + 1);

        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < MaxSamples && (samples.Count < 5 || total.Elapsed < MaxPerWorkload))
        {
            begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) call();
            samples.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds / batch);
        }
        samples.Sort();
        return new Timing(samples[0], samples[samples.Count / 2]);
    }

    /// <summary>Keeps whichever round had the lower best time, with that round's median.</summary>
    private static void Keep(Dictionary<(string, string), Timing> best, (string, string) key, Timing timing)
    {
        if (!best.TryGetValue(key, out var kept) || timing.BestMicroseconds < kept.BestMicroseconds)
            best[key] = timing;
    }

    private static JsonNode? RunReference(int threads, List<Workload> workloads)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                script, "--threads", threads.ToString(CultureInfo.InvariantCulture),
                "--workloads", new JsonArray(workloads.Select(w => (JsonNode)w.Spec.DeepClone()).ToArray()).ToJsonString(),
            },
        };
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0) return JsonNode.Parse(output);
            Console.Error.WriteLine($"{Python} {script} failed ({process.ExitCode}):\n{error.Result}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException)
        {
            Console.Error.WriteLine($"could not run {Python} {script}: {e.Message}");
        }
        return null;
    }

    private static void PrintTable(List<Workload> workloads, Dictionary<(string, string), Timing> best, int threads, int rounds)
    {
        string[] header =
        [
            "workload (m x k x n)", $"ours {threads}T us", "GFLOPS", "ours 1T us", "GFLOPS",
            "numpy us", "GFLOPS", "torch us", "GFLOPS", "ours/numpy thru", "torch/ours time",
        ];
        var rows = new List<string[]> { header };
        var medians = new List<string>();
        foreach (var workload in workloads)
        {
            Timing? Get(string who) => best.TryGetValue((who, workload.Name), out var timing) ? timing : null;
            Timing? all = Get("ours"), one = Get("ours 1T"), numpy = Get("numpy"), torch = Get("torch");
            rows.Add(
            [
                workload.Name,
                Micro(all), Gflops(workload, all),
                Micro(one), Gflops(workload, one),
                Micro(numpy), Gflops(workload, numpy),
                Micro(torch), Gflops(workload, torch),
                Ratio(numpy, all), Ratio(torch, all),
            ]);
            medians.Add($"{workload.Name}: ours {Micro(all, median: true)}, 1T {Micro(one, median: true)}, " +
                $"numpy {Micro(numpy, median: true)}, torch {Micro(torch, median: true)}");
        }

        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        Console.WriteLine();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |");
            if (index == 0)
                Console.WriteLine("|" + string.Join("|", widths.Select((w, c) => c == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        }
        Console.WriteLine();
        Console.WriteLine($"Times are per call: the best sample of the best of {rounds} alternating rounds. " +
            "Ratios above 1 mean ours is faster. Ours writes into a preallocated C; numpy and torch " +
            "allocate their result, as `a @ b` does.");
        Console.WriteLine("Medians in that round (us): " + string.Join("; ", medians));
    }

    private static string Micro(Timing? timing, bool median = false) => timing is { } t
        ? (median ? t.MedianMicroseconds : t.BestMicroseconds).ToString(
            t.BestMicroseconds < 100 ? "F1" : "N0", CultureInfo.InvariantCulture)
        : "-";

    private static string Gflops(Workload workload, Timing? timing) => timing is { } t && workload.Flops > 0
        ? (workload.Flops / t.BestMicroseconds / 1e3).ToString("F1", CultureInfo.InvariantCulture)
        : "-";

    private static string Ratio(Timing? theirs, Timing? ours) => theirs is { } t && ours is { } o
        ? (t.BestMicroseconds / o.BestMicroseconds).ToString("F2", CultureInfo.InvariantCulture) + "x"
        : "-";
}
