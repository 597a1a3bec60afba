using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary>
/// <c>-- compare [--rounds N]</c>: times each workload here and, through reference.py, in NumPy and
/// PyTorch, then prints one table side by side. Both sides follow the same protocol: warm up for
/// half a second, then take up to 31 samples, each repeating the call for at least 2 ms, and
/// report the best and the median time per call. Like is compared with like: our allocating
/// <c>a.MatMul(b)</c> against <c>a @ b</c>, with the engine's <c>Gemm.Multiply</c> into a preallocated array in its own
/// columns. Each round also measures the FMA peak (<see cref="Peak"/>), and every GFLOPS figure is
/// shown as a share of the peak for the vector width and thread count that code used.
/// </summary>
public static class Compare
{
    /// <summary>
    /// What one row times: ours as a user calls it (allocating the result, all cores), and for
    /// products also the engine's Gemm.Multiply into a preallocated array (the "Into" columns) on all cores and on one. <paramref name="Spec"/> tells reference.py what to time.
    /// </summary>
    private sealed record Workload(string Name, double Flops, int Width, Action Ours, Action? Into, Action? IntoOneThread, JsonObject Spec);

    public static int Run(string[] args)
    {
        int rounds = args is ["--rounds", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 3;
        int threads = Environment.ProcessorCount;
        var workloads = MatMulShape.All.Select(MatMul).ToList();
        workloads.Add(TrainingStep());
        workloads.AddRange(ClassifierWorkloads());

        Console.WriteLine($"{Machine.CpuName()}, {threads} cores, {RuntimeInformation.FrameworkDescription}, " +
            $"micro-kernel: {Gemm.Best} ({Gemm.VectorBits(Gemm.Best)}-bit vectors; 6x16 AVX2 for results too small for its tile)");
        Console.WriteLine($"load average before: {Machine.LoadAverage()}");
        var meter = new Machine.CpuMeter();
        if (Machine.BusyWarning() is { } warning) Console.WriteLine(warning);
        var peaks = new Dictionary<(int Width, int Threads), double>();

        // Rounds alternate between the two processes, so a burst of load from elsewhere on the
        // machine is as likely to hit one side as the other; each side keeps its best round.
        var best = new Dictionary<(string Who, string Workload), Timing>();
        JsonNode? about = null;
        for (int round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"round {round}/{rounds}: measuring the FMA peak...");
            foreach (int width in new[] { 256, 512 }.Where(Peak.IsSupported))
                foreach (int peakThreads in new[] { 1, threads }.Distinct())
                    peaks[(width, peakThreads)] = Math.Max(peaks.GetValueOrDefault((width, peakThreads)),
                        Peak.MeasureGflops(width, peakThreads, trials: 31, milliseconds: 5));
            foreach (var workload in workloads)
            {
                Console.Error.WriteLine($"round {round}/{rounds}: timing {workload.Name} here...");
                Keep(best, ("ours", workload.Name), Sampling.Compare.Measure(workload.Ours));
                if (workload.Into is { } into) Keep(best, ("into", workload.Name), Sampling.Compare.Measure(into));
                if (workload.IntoOneThread is { } oneThread) Keep(best, ("into 1T", workload.Name), Sampling.Compare.Measure(oneThread));
            }

            Console.Error.WriteLine($"round {round}/{rounds}: timing NumPy and PyTorch...");
            if (Reference.Run(threads, workloads.Select(w => (JsonNode)w.Spec)) is not { } reference) continue;
            about ??= reference;
            foreach (string library in new[] { "numpy", "torch" })
                foreach (var (name, result) in reference["results"]![library]!.AsObject())
                    Keep(best, (library, name), new Timing((double)result!["best_us"]!, (double)result["median_us"]!, (int)result["samples"]!));
        }

        Console.WriteLine($"load average after: {Machine.LoadAverage()}; {meter.Report()}");
        int theirWidth = 256;
        if (about is not null)
        {
            string core = (string?)about["openblas_core"] ?? "unknown";
            theirWidth = Reference.OpenBlasVectorBits(core);
            Console.WriteLine($"Python {about["python"]}, NumPy {about["numpy"]}, torch {about["torch"]} " +
                $"({about["torch_threads"]} threads); BLAS: {about["blas"]}");
            Console.WriteLine($"OpenBLAS core chosen: {core} ({theirWidth}-bit kernels), " +
                $"{about["openblas_threads"]} threads; OPENBLAS_CORETYPE in the Python process: {about["openblas_coretype"] ?? "unset"}");
        }
        Console.WriteLine("Measured FMA peak (GFLOPS, best of the rounds): " + string.Join(", ",
            peaks.OrderBy(p => p.Key).Select(p => $"{p.Key.Width}-bit {p.Key.Threads}T {p.Value:F1}")));
        double? PeakFor(int width, int peakThreads) => peaks.TryGetValue((width, peakThreads), out double g) ? g : null;
        Dictionary<string, double?> PeaksFor(Workload workload) => new()
        {
            ["ours"] = PeakFor(workload.Width, threads), ["into"] = PeakFor(workload.Width, threads),
            ["into 1T"] = PeakFor(workload.Width, 1),
            ["numpy"] = PeakFor(theirWidth, threads), ["torch"] = PeakFor(theirWidth, threads),
        };
        PrintTable(workloads, best, PeaksFor, threads, rounds);
        return about is null ? 1 : 0;
    }

    private static Workload MatMul(MatMulShape shape) => new(
        shape.ToString(), shape.Flops, Gemm.VectorBits(Gemm.Choose(shape.M, shape.N)), () => shape.Allocating(), () => shape.Into(parallel: true), () => shape.Into(parallel: false),
        new JsonObject { ["name"] = shape.ToString(), ["kind"] = "matmul", ["m"] = shape.M, ["k"] = shape.K, ["n"] = shape.N });

    /// <summary>
    /// One forward + backward + SGD step of the 784-50-1 MSE model on a batch of 256; reference.py
    /// builds the same model in PyTorch (NumPy has no autograd, so that column stays empty).
    /// </summary>
    private static Workload TrainingStep()
    {
        var step = new TrainingStep();
        return new Workload("train step 784-50-1, batch 256", Benchmarks.TrainingStep.Flops, Gemm.VectorBits(Gemm.Best), () => step.Run(), null, null,
            new JsonObject
            {
                ["name"] = "train step 784-50-1, batch 256", ["kind"] = "training_step",
                ["batch"] = Benchmarks.TrainingStep.Batch, ["inputs"] = Benchmarks.TrainingStep.Inputs,
                ["hidden"] = Benchmarks.TrainingStep.Hidden, ["lr"] = Benchmarks.TrainingStep.LearningRate,
            });
    }

    /// <summary>
    /// Chapters 6 and 7's 784-50-10 classifier, one step on a batch of 64: hand-written layers (MSE on
    /// one-hot targets), the same through autograd, and cross-entropy through autograd, the last two
    /// also with ZeroGrad(setToNone: false); reference.py times torch doing each. Comparing the layers'
    /// row with the autograd rows shows what autograd's bookkeeping costs.
    /// </summary>
    private static IEnumerable<Workload> ClassifierWorkloads()
    {
        var steps = new ClassifierSteps();
        JsonObject Spec(string name, string loss, bool setToNone = true) => new()
        {
            ["name"] = name, ["kind"] = "classifier_step", ["loss"] = loss, ["set_to_none"] = setToNone,
            ["batch"] = ClassifierSteps.Batch, ["inputs"] = ClassifierSteps.Inputs, ["hidden"] = ClassifierSteps.Hidden,
            ["classes"] = ClassifierSteps.Classes, ["lr"] = ClassifierSteps.LearningRate,
        };
        int width = Gemm.VectorBits(Gemm.Best);
        const string Shape = "784-50-10, batch 64";
        yield return new Workload($"step {Shape}, MSE, layers", ClassifierSteps.Flops, width, steps.HandWritten, null, null, Spec($"step {Shape}, MSE, layers", "mse"));
        yield return new Workload($"step {Shape}, MSE, autograd", ClassifierSteps.Flops, width, () => steps.AutogradMse(), null, null, Spec($"step {Shape}, MSE, autograd", "mse"));
        yield return new Workload($"step {Shape}, CE, autograd", ClassifierSteps.Flops, width, () => steps.AutogradCrossEntropy(), null, null, Spec($"step {Shape}, CE, autograd", "cross_entropy"));
        // The same two with the gradients zeroed in place and kept, as the layers keep their buffers (torch: set_to_none=False).
        yield return new Workload($"step {Shape}, MSE, autograd, grads kept", ClassifierSteps.Flops, width, () => steps.AutogradMse(setToNone: false), null, null,
            Spec($"step {Shape}, MSE, autograd, grads kept", "mse", setToNone: false));
        yield return new Workload($"step {Shape}, CE, autograd, grads kept", ClassifierSteps.Flops, width, () => steps.AutogradCrossEntropy(setToNone: false), null, null,
            Spec($"step {Shape}, CE, autograd, grads kept", "cross_entropy", setToNone: false));
    }

    /// <summary>Keeps whichever round had the lower best time, with that round's median.</summary>
    private static void Keep(Dictionary<(string, string), Timing> best, (string, string) key, Timing timing)
    {
        if (!best.TryGetValue(key, out var kept) || timing.BestMicroseconds < kept.BestMicroseconds)
            best[key] = timing;
    }

    private static void PrintTable(List<Workload> workloads, Dictionary<(string, string), Timing> best,
        Func<Workload, Dictionary<string, double?>> peaksFor, int threads, int rounds)
    {
        string[] header =
        [
            "workload (m x k x n)", $"a.MatMul(b) {threads}T us", "GFLOPS (% peak)", $"Into {threads}T us", "GFLOPS (% peak)",
            "Into 1T us", "GFLOPS (% peak)", "numpy a@b us", "GFLOPS (% peak)", "torch us", "GFLOPS (% peak)",
            "numpy/ours time", "torch/ours time", "MatMul vs Into",
        ];
        var rows = new List<string[]> { header };
        var medians = new List<string>();
        foreach (var workload in workloads)
        {
            Timing? Get(string who) => best.TryGetValue((who, workload.Name), out var timing) ? timing : null;
            var peaks = peaksFor(workload);
            string Rate(string who) => Gflops(workload, Get(who), peaks[who]);
            Timing? ours = Get("ours"), into = Get("into"), one = Get("into 1T"), numpy = Get("numpy"), torch = Get("torch");
            rows.Add(
            [
                workload.Name,
                Micro(ours), Rate("ours"),
                Micro(into), Rate("into"),
                Micro(one), Rate("into 1T"),
                Micro(numpy), Rate("numpy"),
                Micro(torch), Rate("torch"),
                Ratio(numpy, ours), Ratio(torch, ours), Overhead(ours, into),
            ]);
            medians.Add($"{workload.Name}: ours {Micro(ours, median: true)}, Into {Micro(into, median: true)}, " +
                $"Into 1T {Micro(one, median: true)}, numpy {Micro(numpy, median: true)}, torch {Micro(torch, median: true)}");
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
            "Time ratios above 1 mean ours is faster; both compare the allocating a.MatMul(b) (or our training step) " +
            "with theirs. \"MatMul vs Into\" is what the tensor call, allocating its result, adds to the engine's span call into a preallocated array. " +
            "% peak is of the measured FMA peak for the vector width the code used and the threads it was allowed.");
        Console.WriteLine("Medians in that round (us): " + string.Join("; ", medians));
    }

    private static string Micro(Timing? timing, bool median = false) => timing is { } t
        ? (median ? t.MedianMicroseconds : t.BestMicroseconds).ToString(
            t.BestMicroseconds < 100 ? "F1" : "N0", CultureInfo.InvariantCulture)
        : "-";

    private static string Gflops(Workload workload, Timing? timing, double? peak)
    {
        if (timing is not { } t || workload.Flops <= 0) return "-";
        double gflops = workload.Flops / t.BestMicroseconds / 1e3;
        string rate = gflops.ToString("F1", CultureInfo.InvariantCulture);
        return peak is { } p ? $"{rate} ({(100 * gflops / p).ToString("F0", CultureInfo.InvariantCulture)}%)" : rate;
    }

    private static string Overhead(Timing? allocating, Timing? into) => allocating is { } a && into is { } i
        ? (100 * (a.BestMicroseconds / i.BestMicroseconds - 1)).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%"
        : "-";

    private static string Ratio(Timing? theirs, Timing? ours) => theirs is { } t && ours is { } o
        ? (t.BestMicroseconds / o.BestMicroseconds).ToString("F2", CultureInfo.InvariantCulture) + "x"
        : "-";
}
