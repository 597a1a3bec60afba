using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary>
/// <c>-- scale [--rounds N] [--out DIR] [--sizes 64,128]</c> (or <c>-- scale --chart scale.json</c> to
/// redraw the chart from saved figures): square products n×n·n×n for n = 64 … 4096, ours and
/// OpenBLAS's (NumPy's <c>a @ b</c>), each on one thread and on every core. Ours on one thread is
/// the library's single-thread path (<c>MatMulLadder.BlockedSingleThread</c>, <c>Gemm.Multiply(…, parallel: false)</c> on arrays);
/// on every core it is <c>a.MatMul(b)</c> and <c>Gemm.Multiply</c>, which stay on one thread below
/// Gemm's parallel threshold, as a user's call would. OpenBLAS runs in one Python process per thread
/// count, with OPENBLAS_NUM_THREADS set. Prints GFLOPS as % of the measured FMA peak and writes
/// scale.json (the figures, with when, where and how) and scale.svg (GFLOPS against n) to DIR.
/// </summary>
public static class Scale
{
    private static int[] Sizes = [64, 128, 256, 512, 1024, 2048, 4096];

    /// <summary>One line of the chart and the table: who ran, how, on how many threads.</summary>
    private sealed record Series(string Key, string Label, int Threads, bool Ours);

    private static readonly Series[] AllSeries =
    [
        new("ours_matmul_1t", "ours, MatMulLadder.BlockedSingleThread(a, b)", 1, true),
        new("ours_into_1t", "ours, Gemm.Multiply into a preallocated array, parallel: false", 1, true),
        new("numpy_1t", "OpenBLAS (NumPy a @ b)", 1, false),
        new("ours_matmul_all", "ours, a.MatMul(b)", 0, true),
        new("ours_into_all", "ours, Gemm.Multiply into a preallocated array", 0, true),
        new("numpy_all", "OpenBLAS (NumPy a @ b)", 0, false),
    ];

    public static int Run(string[] args)
    {
        int rounds = 2;
        string? outDirectory = null;
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": outDirectory = args[++i]; break;
                case "--chart":
                    // Redraw scale.svg from an existing scale.json, measuring nothing.
                    string path = args[++i];
                    File.WriteAllText(Path.ChangeExtension(path, ".svg"), Chart(JsonNode.Parse(File.ReadAllText(path))!));
                    Console.WriteLine($"wrote {Path.ChangeExtension(path, ".svg")}");
                    return 0;
                case "--sizes": Sizes = args[++i].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                default: Console.Error.WriteLine($"scale: unknown argument '{args[i]}'; use [--rounds N] [--out DIR] [--sizes 64,128] or --chart scale.json"); return 2;
            }
        outDirectory ??= DefaultDirectory();
        int cores = Environment.ProcessorCount;
        int ThreadsOf(Series s) => s.Threads == 0 ? cores : s.Threads;

        var loadBefore = Machine.LoadAverages();
        var meter = new Machine.CpuMeter();
        Console.WriteLine($"{Machine.CpuName()}, {cores} cores, {RuntimeInformation.FrameworkDescription}; load average before: {Machine.LoadAverage()}");
        if (Machine.BusyWarning() is { } warning) Console.WriteLine(warning);

        var peaks = new Dictionary<(int Bits, int Threads), double>();
        var best = new Dictionary<(string Series, int N), Timing>();
        var about = new Dictionary<int, JsonNode>();
        for (int round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"round {round}/{rounds}: measuring the FMA peak...");
            foreach (int bits in new[] { 256, 512 }.Where(Peak.IsSupported))
                foreach (int threads in new[] { 1, cores }.Distinct())
                    peaks[(bits, threads)] = Math.Max(peaks.GetValueOrDefault((bits, threads)),
                        Peak.MeasureGflops(bits, threads, trials: 31, milliseconds: 5));

            foreach (int n in Sizes)
            {
                Console.Error.WriteLine($"round {round}/{rounds}: timing ours at {n}...");
                var shape = new MatMulShape(n, n, n);
                Keep(best, ("ours_matmul_1t", n), Sampling.Scale.Measure(() => MatMulLadder.BlockedSingleThread(shape.A, shape.B)));
                Keep(best, ("ours_into_1t", n), Sampling.Scale.Measure(() => shape.Into(parallel: false)));
                Keep(best, ("ours_matmul_all", n), Sampling.Scale.Measure(() => shape.Allocating()));
                Keep(best, ("ours_into_all", n), Sampling.Scale.Measure(() => shape.Into(parallel: true)));
            }
            GC.Collect();

            foreach (int threads in new[] { 1, cores }.Distinct())
            {
                Console.Error.WriteLine($"round {round}/{rounds}: timing NumPy on {threads} thread(s)...");
                var specs = Sizes.Select(n => (JsonNode)new JsonObject
                {
                    ["name"] = n.ToString(CultureInfo.InvariantCulture), ["kind"] = "matmul", ["m"] = n, ["k"] = n, ["n"] = n,
                    ["libraries"] = new JsonArray("numpy"),
                    ["warmup_seconds"] = Sampling.Scale.Warmup.TotalSeconds, ["max_seconds"] = Sampling.Scale.Budget.TotalSeconds,
                    ["min_samples"] = Sampling.Scale.MinSamples,
                });
                if (Reference.Run(threads, specs, pinOpenBlasThreads: true) is not { } reference) continue;
                about[threads] = reference;
                string key = threads == 1 ? "numpy_1t" : "numpy_all";
                foreach (var (name, result) in reference["results"]!["numpy"]!.AsObject())
                    Keep(best, (key, int.Parse(name, CultureInfo.InvariantCulture)),
                        new Timing((double)result!["best_us"]!, (double)result["median_us"]!, (int)result["samples"]!));
            }
        }
        var loadAfter = Machine.LoadAverages();
        Console.WriteLine($"load average after: {Machine.LoadAverage()}; {meter.Report()}");

        string core = about.Values.Select(a => (string?)a["openblas_core"]).FirstOrDefault(c => c is not null) ?? "unknown";
        int theirBits = Reference.OpenBlasVectorBits(core);
        int BitsOf(Series s, int n) => s.Ours ? Gemm.VectorBits(Gemm.Choose(n, n)) : theirBits;
        double? PeakOf(Series s, int n) => peaks.TryGetValue((BitsOf(s, n), ThreadsOf(s)), out double p) ? p : null;
        foreach (var (threads, reference) in about.OrderBy(a => a.Key))
            Console.WriteLine($"NumPy {reference["numpy"]} with OPENBLAS_NUM_THREADS={threads}: OpenBLAS reports " +
                $"{reference["openblas_threads"]} thread(s), core {reference["openblas_core"]}; {reference["blas"]}");
        Console.WriteLine("Measured FMA peak (GFLOPS, best of the rounds): " + string.Join(", ",
            peaks.OrderBy(p => p.Key).Select(p => $"{p.Key.Bits}-bit {p.Key.Threads}T {p.Value:F1}")));

        PrintTable(best, PeakOf, cores);

        var json = ToJson(best, peaks, PeakOf, BitsOf, ThreadsOf, about, core, loadBefore, loadAfter, meter.Shares(), rounds);
        Directory.CreateDirectory(outDirectory);
        string jsonPath = Path.Combine(outDirectory, "scale.json"), svgPath = Path.Combine(outDirectory, "scale.svg");
        // Relaxed escaping keeps ×, ` and ' readable in the committed file.
        File.WriteAllText(jsonPath, json.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
        File.WriteAllText(svgPath, Chart(json));
        Console.WriteLine($"wrote {jsonPath} and {svgPath}");
        return about.Count == 0 ? 1 : 0;
    }

    /// <summary>src/Foundations.Benchmarks/results of the repository the command runs in, else ./scale-results.</summary>
    private static string DefaultDirectory()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string project = Path.Combine(directory.FullName, "src", "Foundations.Benchmarks");
            if (File.Exists(Path.Combine(project, "Foundations.Benchmarks.csproj"))) return Path.Combine(project, "results");
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "scale-results");
    }

    private static void Keep(Dictionary<(string, int), Timing> best, (string, int) key, Timing timing)
    {
        if (!best.TryGetValue(key, out var kept) || timing.BestMicroseconds < kept.BestMicroseconds)
            best[key] = timing;
    }

    private static double Flops(int n) => 2.0 * n * n * n;

    private static double? Gflops(Dictionary<(string, int), Timing> best, string key, int n) =>
        best.TryGetValue((key, n), out var t) ? Flops(n) / t.BestMicroseconds / 1e3 : null;

    private static void PrintTable(Dictionary<(string, int), Timing> best, Func<Series, int, double?> peakOf, int cores)
    {
        string Cell(Series s, int n)
        {
            if (Gflops(best, s.Key, n) is not { } g) return "-";
            return peakOf(s, n) is { } p ? $"{g:F1} ({100 * g / p:F0}%)" : $"{g:F1}";
        }
        string Ratio(string theirs, string ours, int n) =>
            best.TryGetValue((theirs, n), out var t) && best.TryGetValue((ours, n), out var o)
                ? (t.BestMicroseconds / o.BestMicroseconds).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";
        Series Get(string key) => AllSeries.First(s => s.Key == key);

        string[] header =
        [
            "n", "BlockedSingleThread 1T", "Into 1T", "OpenBLAS 1T", "OpenBLAS/ours 1T",
            $"a.MatMul(b) {cores}T", $"Into {cores}T", $"OpenBLAS {cores}T", $"OpenBLAS/ours {cores}T",
        ];
        var rows = new List<string[]> { header };
        foreach (int n in Sizes)
            rows.Add(
            [
                $"{n}", Cell(Get("ours_matmul_1t"), n), Cell(Get("ours_into_1t"), n), Cell(Get("numpy_1t"), n), Ratio("numpy_1t", "ours_matmul_1t", n),
                Cell(Get("ours_matmul_all"), n), Cell(Get("ours_into_all"), n), Cell(Get("numpy_all"), n), Ratio("numpy_all", "ours_matmul_all", n),
            ]);
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        Console.WriteLine();
        Console.WriteLine("GFLOPS (% of the measured FMA peak for the vector width and thread count used), n x n times n x n:");
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadLeft(widths[c]))) + " |");
            if (index == 0) Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 1) + ":")) + "|");
        }
        Console.WriteLine();
        Console.WriteLine("Best sample of the best round. OpenBLAS/ours time above 1 means ours is faster; it compares the allocating " +
            "calls (BlockedSingleThread and a.MatMul(b)) with NumPy's a @ b, which allocates too.");
        Console.WriteLine("Times per call, best (median) in us: " + string.Join("; ", Sizes.Select(n =>
            $"{n}: " + string.Join(", ", AllSeries.Select(s => best.TryGetValue((s.Key, n), out var t)
                ? $"{s.Key} {t.BestMicroseconds:F1} ({t.MedianMicroseconds:F1})" : $"{s.Key} -")))));
    }

    private static JsonObject ToJson(Dictionary<(string, int), Timing> best, Dictionary<(int Bits, int Threads), double> peaks,
        Func<Series, int, double?> peakOf, Func<Series, int, int> bitsOf, Func<Series, int> threadsOf,
        Dictionary<int, JsonNode> about, string core, double[]? loadBefore, double[]? loadAfter,
        (double Others, double Steal)? shares, int rounds)
    {
        static JsonNode? Round(double? value, int digits) => value is { } v ? JsonValue.Create(Math.Round(v, digits)) : null;
        static JsonArray? Load(double[]? load) => load is null ? null : new JsonArray(load.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        var numpy = about.Values.FirstOrDefault();
        var (kernel, _) = MatMulLadder.BlockedKernel(1024, 1024);
        return new JsonObject
        {
            ["description"] = "Square float32 products n x n times n x n: ours (Foundations) against OpenBLAS through NumPy, " +
                "each on 1 thread and on every core. Written by `dotnet run -c Release --project src/Foundations.Benchmarks -- scale`.",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cpu"] = Machine.CpuName(), ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription, ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["our_kernel"] = kernel,
            },
            ["openblas"] = new JsonObject
            {
                ["core"] = core, ["vector_bits"] = Reference.OpenBlasVectorBits(core),
                ["config"] = (string?)numpy?["blas"], ["numpy"] = (string?)numpy?["numpy"], ["python"] = (string?)numpy?["python"],
                ["threads_reported"] = new JsonObject(about.OrderBy(a => a.Key).Select(a =>
                    KeyValuePair.Create($"OPENBLAS_NUM_THREADS={a.Key}", (JsonNode?)JsonValue.Create((int?)a.Value["openblas_threads"])))),
                ["note"] = "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the Python process's environment, so OpenBLAS picks its kernel for this CPU",
            },
            ["load_average_before"] = Load(loadBefore),
            ["load_average_after"] = Load(loadAfter),
            ["other_processes_cpu_percent_of_a_core"] = Round(shares?.Others * 100, 1),
            ["steal_percent_of_a_core"] = Round(shares?.Steal * 100, 2),
            ["protocol"] = $"{rounds} round{(rounds > 1 ? "s" : "")}; in each, the FMA peak, then ours at every size, then NumPy on 1 thread and on all in " +
                $"their own processes. Per workload: warm up for {Sampling.Scale.Warmup.TotalSeconds} s (at least one call), then " +
                $"{Sampling.Scale.MinSamples} to {Sampling.Scale.MaxSamples} samples within about {Sampling.Scale.Budget.TotalSeconds} s, " +
                $"each at least {Sampling.MinSample.TotalMilliseconds} ms of calls; best sample of the best round. " +
                "GFLOPS = 2 n^3 / time; percent_of_peak is of the measured FMA peak for the vector width and thread count used.",
            ["peak_gflops"] = new JsonArray(peaks.OrderBy(p => p.Key).Select(p => (JsonNode)new JsonObject
            {
                ["vector_bits"] = p.Key.Bits, ["threads"] = p.Key.Threads, ["gflops"] = Round(p.Value, 1),
            }).ToArray()),
            ["series"] = new JsonArray(AllSeries.Select(s => (JsonNode)new JsonObject
            {
                ["key"] = s.Key, ["label"] = s.Label, ["threads"] = threadsOf(s),
                ["points"] = new JsonArray(Sizes.Where(n => best.ContainsKey((s.Key, n))).Select(n => (JsonNode)new JsonObject
                {
                    ["n"] = n,
                    ["best_us"] = Round(best[(s.Key, n)].BestMicroseconds, 2),
                    ["median_us"] = Round(best[(s.Key, n)].MedianMicroseconds, 2),
                    ["samples"] = best[(s.Key, n)].Samples,
                    ["gflops"] = Round(Gflops(best, s.Key, n), 1),
                    ["vector_bits"] = bitsOf(s, n),
                    ["percent_of_peak"] = Round(Gflops(best, s.Key, n) / peakOf(s, n) * 100, 1),
                }).ToArray()),
            }).ToArray()),
        };
    }

    /// <summary>
    /// GFLOPS against n (log₂ axis), drawn from a scale.json: the allocating calls on both sides (the
    /// like-for-like comparison), ours preallocated (the engine's Gemm.Multiply on arrays) in a lighter colour, and the
    /// measured peaks for our kernel's vector width on 1 thread and on every core.
    /// </summary>
    public static string Chart(JsonNode json)
    {
        var machine = json["machine"]!;
        int cores = (int)machine["cores"]!;
        string core = (string)json["openblas"]!["core"]!;
        var series = json["series"]!.AsArray().ToDictionary(s => (string)s!["key"]!, s => s!["points"]!.AsArray());
        var chart = new SvgChart(
            $"Square matmul n×n·n×n, float32, on {machine["cpu"]} ({cores} cores), {((string)json["date"]!)[..10]}",
            "n (log scale)", "GFLOPS");
        (string Key, string Name, string Colour, bool Dashed)[] lines =
        [
            ("ours_matmul_1t", "ours, 1 thread", "#1f77b4", false),
            ("ours_matmul_all", $"ours, {cores} threads", "#1f77b4", true),
            ("ours_into_1t", "ours preallocated (Into), 1 thread", "#9ecae1", false),
            ("ours_into_all", $"ours preallocated (Into), {cores} threads", "#9ecae1", true),
            ("numpy_1t", $"OpenBLAS ({core}), 1 thread", "#d62728", false),
            ("numpy_all", $"OpenBLAS ({core}), {cores} threads", "#d62728", true),
        ];
        var sizes = new SortedSet<double>();
        foreach (var (key, name, colour, dashed) in lines)
        {
            if (!series.TryGetValue(key, out var points)) continue;
            var xy = points.Select(p => (Number(p!["n"]), Number(p["gflops"]))).ToList();
            sizes.UnionWith(xy.Select(p => p.Item1));
            chart.Line(name, colour, dashed, xy);
        }
        int bits = (int)json["series"]!.AsArray().First(s => (string)s!["key"]! == "ours_matmul_all")!["points"]!.AsArray()
            .Max(p => (int)p!["vector_bits"]!);
        foreach (var peak in json["peak_gflops"]!.AsArray().Where(p => (int)p!["vector_bits"]! == bits))
        {
            int threads = (int)peak!["threads"]!;
            chart.Level($"measured {bits}-bit FMA peak, {threads} thread{(threads > 1 ? "s" : "")}", Number(peak["gflops"]));
        }
        return chart.Render([.. sizes]);
    }

    /// <summary>
    /// A JSON number as a double, whether it was read from a file or is still the int or double the
    /// run put there (a cast from a node built in memory only accepts the type it was built with).
    /// </summary>
    private static double Number(JsonNode? node) =>
        double.Parse(node?.ToJsonString() ?? throw new InvalidDataException("scale: a point has no number"), CultureInfo.InvariantCulture);
}
