using System.Globalization;
using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary>
/// <c>-- crossover</c>: where a second thread starts to pay. For families of shapes of growing size
/// it times each product on one thread and split for the whole team (Gemm's split forced, whatever
/// the size), and prints where the split starts to win in each family and the shapes for which
/// Gemm's rule (<c>Gemm.EstimatedWork</c> against <c>Gemm.ParallelThreshold</c>) picks the slower
/// option. <c>-- breakdown [m k n]</c> shows where one product's time goes.
/// </summary>
public static class Crossover
{
    private static readonly Sampling Quick = new(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), 5, 31);

    // The chapters' shapes (a batch through a 784-50-10 network and its backward products) and squares.
    private static readonly (string Name, (int M, int K, int N)[] Shapes)[] Families =
    [
        ("n x n x n", [.. new[] { 32, 40, 48, 56, 64, 72, 80, 96, 112, 128, 160 }.Select(n => (n, n, n))]),
        ("batch x 100 x 50", [.. new[] { 8, 16, 24, 32, 48, 64, 96, 128, 200, 256 }.Select(m => (m, 100, 50))]),
        ("batch x 784 x 50", [.. new[] { 1, 2, 4, 8, 12, 16, 24, 32, 64 }.Select(m => (m, 784, 50))]),
        ("batch x 50 x 784", [.. new[] { 2, 4, 8, 12, 16, 24, 32, 64 }.Select(m => (m, 50, 784))]),
        ("784 x batch x 50", [.. new[] { 2, 4, 8, 12, 16, 24, 32, 64 }.Select(k => (784, k, 50))]),
    ];

    public static int Run()
    {
        Console.WriteLine($"{Machine.CpuName()}, team of {GemmTeam.Size} threads; load average before: {Machine.LoadAverage()}");
        var meter = new Machine.CpuMeter();
        if (Machine.BusyWarning() is { } warning) Console.WriteLine(warning);
        Console.WriteLine($"Gemm.ParallelThreshold now: {Gemm.ParallelThreshold:N0} (Gemm.EstimatedWork's units: multiply-adds of 512-bit lanes, " +
            "padding and copies included)");
        var misjudged = new List<string>();
        foreach (var (name, shapes) in Families)
        {
            Console.WriteLine();
            Console.WriteLine($"{name}:");
            Console.WriteLine($"{"m x k x n",-16}{"m*n*k",12}{"est. work",12}{"1 thread us",14}{"split us",12}{"1T / split",12}  library");
            long familyCrossover = long.MaxValue;
            foreach (var (m, k, n) in shapes)
            {
                var product = new Product(m, k, n);
                // Twice each, alternating, keeping the better: a burst of other work then hits both.
                var one = Quick.Measure(() => product.Run(workers: 1));
                var split = Quick.Measure(() => product.Run(workers: GemmTeam.Size));
                one = Better(one, Quick.Measure(() => product.Run(workers: 1)));
                split = Better(split, Quick.Measure(() => product.Run(workers: GemmTeam.Size)));
                double ratio = one.BestMicroseconds / split.BestMicroseconds;
                long work = (long)m * n * k;
                long estimate = Gemm.EstimatedWork(m, k, n, Gemm.Choose(m, n));
                string library = Gemm.Workers(true, m, k, n, Gemm.Choose(m, n)) > 1 ? "splits" : "1 thread";
                Console.WriteLine($"{$"{m}x{k}x{n}",-16}{work,12:N0}{estimate,12:N0}{one.BestMicroseconds,14:F1}{split.BestMicroseconds,12:F1}{ratio,12:F2}  {library}");
                // The library's choice against the faster of the two (a 5% margin either way is a tie).
                if (library == "splits" ? ratio < 0.95 : ratio > 1.05)
                    misjudged.Add($"{m}x{k}x{n} ({library}, {Math.Abs(one.BestMicroseconds - split.BestMicroseconds):F1} us slower than the other choice)");
                // The first size from which splitting wins at every size of the family.
                if (ratio > 1) familyCrossover = Math.Min(familyCrossover, estimate);
                else familyCrossover = long.MaxValue;
            }
            Console.WriteLine(familyCrossover == long.MaxValue
                ? "  the split lost at the largest size timed"
                : familyCrossover == Gemm.EstimatedWork(shapes[0].M, shapes[0].K, shapes[0].N, Gemm.Choose(shapes[0].M, shapes[0].N))
                    ? "  the split won at every size timed"
                    : $"  the split won at every size from an estimated work of {familyCrossover:N0} on");
        }
        Console.WriteLine();
        int timed = Families.Sum(f => f.Shapes.Length);
        Console.WriteLine(misjudged.Count == 0
            ? $"The library's rule picked the faster choice (within 5%) for all {timed} shapes."
            : $"The library's rule picked the faster choice (within 5%) for {timed - misjudged.Count} of {timed} shapes; not for " + string.Join(", ", misjudged) + ".");
        Console.WriteLine($"load average after: {Machine.LoadAverage()}; {meter.Report()}");
        return 0;
    }

    /// <summary>
    /// One product and where its time goes: the cost of handing work to the team, the share of each
    /// tile's arithmetic that is padding (and the time its FMAs take at the measured peak), one
    /// thread against the split, and the split against two independent half products.
    /// </summary>
    public static int Breakdown(string[] args)
    {
        var shapes = args.Length == 3
            ? [(int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture))]
            : new[] { (200, 100, 50), (5, 784, 10) };
        Console.WriteLine($"{Machine.CpuName()}; load average before: {Machine.LoadAverage()}");
        var meter = new Machine.CpuMeter();
        if (Machine.BusyWarning() is { } warning) Console.WriteLine(warning);

        // The hand-over alone: one chunk of 5 us of arithmetic per thread, ideally 5 us in all.
        int helpers = GemmTeam.Size;
        var team = Quick.Measure(() => GemmTeam.Run(helpers, static _ => Busy(5)));
        var parallelFor = Quick.Measure(() => Parallel.For(0, helpers, static _ => Busy(5)));
        Console.WriteLine($"{helpers} chunks of 5 us each: on the team {team.BestMicroseconds:F2} us (median {team.MedianMicroseconds:F2}), " +
            $"with Parallel.For {parallelFor.BestMicroseconds:F2} us (median {parallelFor.MedianMicroseconds:F2})");
        double peak = Peak.IsSupported(512) ? Peak.MeasureGflops(512, 1, trials: 31, milliseconds: 5) : Peak.MeasureGflops(256, 1, trials: 31, milliseconds: 5);
        int peakBits = Peak.IsSupported(512) ? 512 : 256;
        Console.WriteLine($"measured {peakBits}-bit FMA peak, 1 thread: {peak:F1} GFLOPS");

        foreach (var (m, k, n) in shapes)
        {
            Console.WriteLine();
            var product = new Product(m, k, n);
            var chosen = Gemm.Choose(m, n);
            Console.WriteLine($"{m}x{k}x{n}: {(long)m * n * k:N0} multiply-adds; chosen kernel {chosen}; " +
                $"estimated work {Gemm.EstimatedWork(m, k, n, chosen):N0}, so the library splits it over {Gemm.Workers(true, m, k, n, chosen)} thread(s)");
            foreach (var kernel in Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported))
            {
                var (rows, columns) = Gemm.Tile(kernel);
                long padded = (long)((m + rows - 1) / rows * rows) * ((n + columns - 1) / columns * columns) * k;
                int lanes = Gemm.VectorBits(kernel) / 32;
                // The FMA instructions the tiles issue, at the rate the peak measurement retires them
                // (the same on this machine for 256- and 512-bit vectors, per instruction).
                double kernelFloor = (double)padded / lanes * (peakBits / 32) * 2 / peak / 1e3;
                var one = Quick.Measure(() => product.Run(1, kernel));
                var split = Quick.Measure(() => product.Run(helpers, kernel));
                Console.WriteLine($"  {kernel,-9} tile {rows}x{columns}: C padded to {(double)m * n * k / padded:P0} useful; " +
                    $"FMA floor {kernelFloor:F2} us; 1 thread {one.BestMicroseconds:F2} us; split {split.BestMicroseconds:F2} us");
            }
            // What an ideal split would cost: each thread multiplies its own half of the rows, as a
            // whole product of its own (its own packing of A and B), no sharing at all.
            var halves = Quick.Measure(() => GemmTeam.Run(2, half => product.RunRows(half == 0 ? 0 : m / 2, half == 0 ? m / 2 : m - m / 2, chosen)));
            Console.WriteLine($"  {chosen}: two independent half products (rows 0..{m / 2} and {m / 2}..{m}) on the team: {halves.BestMicroseconds:F2} us");
            var library = Quick.Measure(() => product.Run(Gemm.Workers(true, m, k, n, chosen), chosen));
            var allocating = Quick.Measure(() => product.A.MatMul(product.B));
            Console.WriteLine($"  library call (Into): {library.BestMicroseconds:F2} us; a.MatMul(b) (allocates C): {allocating.BestMicroseconds:F2} us");
        }
        Console.WriteLine($"load average after: {Machine.LoadAverage()}; {meter.Report()}");
        return 0;
    }

    private static Timing Better(Timing x, Timing y) => x.BestMicroseconds <= y.BestMicroseconds ? x : y;

    /// <summary>Spins on arithmetic for about <paramref name="microseconds"/>.</summary>
    private static double Busy(double microseconds)
    {
        long end = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(microseconds * System.Diagnostics.Stopwatch.Frequency / 1e6);
        double x = 1;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end) x = x * 1.0000001 + 1e-9;
        return x;
    }


    /// <summary>Row-major operands and a destination, multiplied through Gemm with the split and kernel given.</summary>
    private sealed class Product(int m, int k, int n)
    {
        private readonly MatMulShape shape = new(m, k, n);

        public Tensor A => shape.A;
        public Tensor B => shape.B;

        public void Run(int workers) => Run(workers, Gemm.Choose(m, n));

        public void Run(int workers, GemmKernel kernel) =>
            Gemm.Multiply(shape.AValues, 0, k, 1, shape.BValues, 0, n, 1, shape.C, ldc: n, m, k, n, accumulate: false, workers, kernel);

        /// <summary>Rows [first, first + rows) of the product, on the calling thread.</summary>
        public void RunRows(int first, int rows, GemmKernel kernel) =>
            Gemm.Multiply(shape.AValues, first * k, k, 1, shape.BValues, 0, n, 1, shape.C.AsSpan(first * n), ldc: n, rows, k, n, accumulate: false, workers: 1, kernel);
    }
}
