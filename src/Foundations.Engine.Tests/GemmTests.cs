using CsCheck;
using static Foundations.Engine.Tests.StridedProducts;

namespace Foundations.Engine.Tests;

/// <summary>
/// Every Gemm entry point and every micro-kernel the machine supports against a triple loop in
/// double precision, over shapes chosen to land on and around the kernels' tiles (6×16, 14×32) and
/// cache blocks (240 or 112 rows, 256 or 1024 deep, 4096 columns), and over strided views. The portable
/// kernel runs here on any machine; GemmKernelProcessTests reruns a check in processes with AVX-512,
/// AVX2 or all hardware intrinsics switched off, which also covers the packing code's non-AVX paths.
/// </summary>
public sealed class GemmTests
{
    // Every micro-kernel this machine can run, forced, on one thread and on all; the portable one
    // runs everywhere. GemmKernelProcessTests covers the default choice with wider ISAs switched off.
    private static readonly Dictionary<string, Multiplier> Multipliers = CreateMultipliers();

    private static Dictionary<string, Multiplier> CreateMultipliers()
    {
        var multipliers = new Dictionary<string, Multiplier>
        {
            ["Multiply parallel"] = (a, b, c, o) => Multiply(a, b, c, o, parallel: true, kernel: Gemm.Choose(a.Rows, b.Cols)),
            ["Multiply single thread"] = (a, b, c, o) => Multiply(a, b, c, o, parallel: false, kernel: Gemm.Choose(a.Rows, b.Cols)),
        };
        foreach (var kernel in Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported))
        {
            multipliers[$"Multiply {kernel} kernel, parallel"] = (a, b, c, o) => Multiply(a, b, c, o, parallel: true, kernel);
            multipliers[$"Multiply {kernel} kernel, single thread"] = (a, b, c, o) => Multiply(a, b, c, o, parallel: false, kernel);
            // The parallel split on every shape, however small: below the threshold the library
            // never splits, so without this the split of small and odd shapes would go untested.
            multipliers[$"Multiply {kernel} kernel, split whatever the size"] = (a, b, c, o) =>
                Multiply(a, b, c, o, workers: Math.Max(2, GemmTeam.Size), kernel);
        }
        // The default entry point, choosing its own kernel and split, as the tensor library calls it.
        multipliers["Multiply default"] = (a, b, c, o) =>
            Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
                c.AsSpan(o), ldc: b.Cols, a.Rows, a.Cols, b.Cols);
        return multipliers;
    }

    private static void Multiply(View a, View b, float[] c, int cOffset, bool parallel, GemmKernel kernel) =>
        Multiply(a, b, c, cOffset, Gemm.Workers(parallel, a.Rows, a.Cols, b.Cols, kernel), kernel);

    private static void Multiply(View a, View b, float[] c, int cOffset, int workers, GemmKernel kernel, bool accumulate = false) =>
        Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
            c.AsSpan(cOffset), ldc: b.Cols, a.Rows, a.Cols, b.Cols, accumulate, workers, kernel);

    private static void AssertMatchesReference(string name, View a, View b) =>
        StridedProducts.AssertMatchesReference(name, Multipliers[name], a, b);

    public static TheoryData<string, int, int, int> ShapesForEveryMultiplier()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string name in Multipliers.Keys)
            foreach (var (m, k, n) in Shapes)
                data.Add(name, m, k, n);
        return data;
    }

    public static TheoryData<string, Layout, Layout> LayoutsForEveryMultiplier()
    {
        var data = new TheoryData<string, Layout, Layout>();
        foreach (string name in Multipliers.Keys)
            foreach (var aLayout in Enum.GetValues<Layout>())
                foreach (var bLayout in Enum.GetValues<Layout>())
                    data.Add(name, aLayout, bLayout);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesForEveryMultiplier))]
    public void Multiply_RowMajor_MatchesDoubleReference(string name, int m, int k, int n)
    {
        var random = new Random(m * 1_000_003 + k * 1009 + n);
        AssertMatchesReference(name, Make(random, m, k, Layout.RowMajor), Make(random, k, n, Layout.RowMajor));
    }

    [Theory]
    [MemberData(nameof(LayoutsForEveryMultiplier))]
    public void Multiply_StridedViews_MatchDoubleReference(string name, Layout aLayout, Layout bLayout)
    {
        var random = new Random(17);
        foreach (var (m, k, n) in new[] { (13, 7, 19), (67, 300, 35), (150, 130, 140) })
            AssertMatchesReference(name, Make(random, m, k, aLayout), Make(random, k, n, bLayout));
    }

    [Fact]
    public void Multiply_RandomShapesAndLayouts_MatchDoubleReference()
    {
        var layouts = Enum.GetValues<Layout>();
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 70], Gen.Int[1, 40], Gen.Int[0, layouts.Length - 1],
                Gen.Int[0, layouts.Length - 1], Gen.Int[0, Multipliers.Count - 1])
            .Sample((m, k, n, aLayout, bLayout, multiplier) =>
            {
                var random = new Random(m + 100 * k + 10_000 * n);
                AssertMatchesReference(Multipliers.Keys.ElementAt(multiplier),
                    Make(random, m, k, layouts[aLayout]), Make(random, k, n, layouts[bLayout]));
            }, iter: 500, seed: "0000000000Gm");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Multiply_ZeroDepth_WritesZeros(bool parallel)
    {
        var c = new float[] { float.NaN, 1, 2, 3, 4, 5, 6, float.NaN };
        Gemm.Multiply([], 0, 0, 1, [], 0, 3, 1, c.AsSpan(1), ldc: 3, 2, 0, 3, parallel: parallel);
        Assert.Equal([float.NaN, 0, 0, 0, 0, 0, 0, float.NaN], c);
    }

    [Fact]
    public void Multiply_EmptyResult_LeavesDestinationAlone()
    {
        var c = new float[] { 7 };
        Gemm.Multiply([1, 2], 0, 2, 1, [], 0, 0, 1, c, ldc: 0, 1, 2, 0, parallel: true);
        Gemm.Multiply([], 0, 2, 1, [1, 2], 0, 1, 1, c, ldc: 1, 0, 2, 1, parallel: true);
        Assert.Equal(7, c[0]);
    }

    [Fact]
    public void Multiply_SmallProductTwice_AllocatesNothingTheSecondTime()
    {
        var random = new Random(3);
        View a = Make(random, 5, 784, Layout.RowMajor), b = Make(random, 784, 10, Layout.RowMajor);
        var c = new float[5 * 10];
        Multiply(a, b, c, 0, parallel: true, kernel: Gemm.Choose(a.Rows, b.Cols));

        long before = GC.GetAllocatedBytesForCurrentThread();
        Multiply(a, b, c, 0, parallel: true, kernel: Gemm.Choose(a.Rows, b.Cols));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(5, 10, false)]
    [InlineData(1, 1000, false)]
    [InlineData(1000, 1, false)]
    [InlineData(200, 50, true)]
    [InlineData(1024, 1024, true)]
    public void Choose_SmallResultsTakeTheNarrowTile(int m, int n, bool wide)
    {
        var expected = Gemm.Best == GemmKernel.Avx512 && !wide ? GemmKernel.Avx2 : Gemm.Best;
        Assert.Equal(expected, Gemm.Choose(m, n));
    }

    [Fact]
    public void Multiply_RepeatedCalls_GiveIdenticalResults()
    {
        // Same blocking and summation order every time, whichever threads run which tiles.
        var random = new Random(4);
        View a = Make(random, 300, 600, Layout.RowMajor), b = Make(random, 600, 200, Layout.Transposed);
        var first = new float[300 * 200];
        var second = new float[300 * 200];
        Multiply(a, b, first, 0, parallel: true, kernel: Gemm.Choose(a.Rows, b.Cols));
        Multiply(a, b, second, 0, parallel: true, kernel: Gemm.Choose(a.Rows, b.Cols));
        Multiply(a, b, first, 0, parallel: false, kernel: Gemm.Choose(a.Rows, b.Cols));
        Assert.Equal(second, first);
    }

    // Right at the parallel threshold: for shapes growing along one dimension, the last one whose
    // estimated work is below the threshold stays on the calling thread and the first at or above
    // it is split; both must match the reference. Tall, wide, deep, thin and square families.
    public static TheoryData<int, int, int> ThresholdShapes()
    {
        var data = new TheoryData<int, int, int>();
        var kernel = Gemm.Best;
        foreach (Func<int, (int M, int K, int N)> family in new Func<int, (int, int, int)>[]
        {
            size => (size, 32, 16), size => (size, 1, 1), size => (16, size, 16), size => (1, size, 1),
            size => (1, 16, size), size => (2, 784, size), size => (size, size, size),
        })
        {
            int size = 1;
            while (Gemm.EstimatedWork(family(size).M, family(size).K, family(size).N, kernel) < Gemm.ParallelThreshold) size++;
            var (m, k, n) = family(size - 1);
            data.Add(m, k, n);
            (m, k, n) = family(size);
            data.Add(m, k, n);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ThresholdShapes))]
    public void Multiply_AtTheParallelThreshold_SplitsFromThereAndMatchesReference(int m, int k, int n)
    {
        var kernel = Gemm.Best;
        bool split = Gemm.EstimatedWork(m, k, n, kernel) >= Gemm.ParallelThreshold;
        Assert.Equal(split ? GemmTeam.Size : 1, Gemm.Workers(parallel: true, m, k, n, kernel));
        Assert.Equal(1, Gemm.Workers(parallel: false, m, k, n, kernel));
        var random = new Random(m + k + n);
        View a = Make(random, m, k, Layout.RowMajor), b = Make(random, k, n, Layout.Transposed);
        AssertMatchesReference($"Multiply {kernel} kernel, parallel", a, b);
        AssertMatchesReference($"Multiply {kernel} kernel, single thread", a, b);
    }

    [Fact]
    public void EstimatedWork_CountsPaddingAndCopies()
    {
        // A product that fills its tiles exactly costs its multiply-adds (in 512-bit lanes) plus its copies.
        var kernel = Gemm.Best;
        var (rows, columns) = Gemm.Tile(kernel);
        int lanesFactor = Math.Max(1, 512 / Gemm.VectorBits(kernel));
        long exact = Gemm.EstimatedWork(rows, 10, columns, kernel);
        Assert.True(exact >= (long)rows * columns * 10 * lanesFactor);
        // One row more costs a whole extra row of tiles, not 1/rows of one.
        Assert.True(Gemm.EstimatedWork(rows + 1, 10, columns, kernel) >= 2L * rows * columns * 10 * lanesFactor);
        Assert.Equal(0, Gemm.EstimatedWork(0, 0, 0, kernel));
    }

    [Theory]
    [InlineData(0, 5, 7)]
    [InlineData(5, 0, 7)]
    [InlineData(5, 7, 0)]
    public void Multiply_EmptyShapesWithTheSplitForced_WriteZerosOrNothing(int m, int k, int n)
    {
        var c = new float[m * n + 2];
        Array.Fill(c, float.NaN);
        var a = new float[m * k];
        var b = new float[k * n];
        foreach (var kernel in Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported))
        {
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, c.AsSpan(1), ldc: n, m, k, n, accumulate: false, workers: 2, kernel);
            Assert.True(float.IsNaN(c[0]) && float.IsNaN(c[^1]), $"{kernel} wrote outside C");
            Assert.All(c[1..^1], x => Assert.Equal(0, x));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Multiply_Accumulating_AddsToCWithEveryKernel(int workers)
    {
        // 19 x 300 x 37: edge tiles on both sides and two depth slices.
        const int m = 19, k = 300, n = 37;
        var random = new Random(5);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var start = Enumerable.Range(0, m * n).Select(_ => (float)random.NextDouble()).ToArray();
        foreach (var kernel in Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported))
        {
            var product = new float[m * n];
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, product, ldc: n, m, k, n, accumulate: false, workers, kernel);
            var c = (float[])start.Clone();
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, c, ldc: n, m, k, n, accumulate: true, workers, kernel);
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - (start[i] + product[i])) <= 1e-4f, $"{kernel}: element {i} is {c[i]}, expected {start[i] + product[i]}");
        }
    }

    [Fact]
    public void Multiply_RowsOfCFurtherApartThanN_WritesOnlyTheFirstNOfEachRow()
    {
        // ldc > n: C is a window on a wider matrix; what lies between its rows must stay as it was.
        const int m = 17, k = 40, n = 23, ldc = 30;
        var random = new Random(6);
        View a = Make(random, m, k, Layout.RowMajor), b = Make(random, k, n, Layout.Transposed);
        foreach (var kernel in Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported))
            foreach (int workers in new[] { 1, 2 })
            {
                var wide = new float[(m - 1) * ldc + n];
                Array.Fill(wide, float.NaN);
                Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
                    wide, ldc, m, k, n, accumulate: false, workers, kernel);
                var dense = new float[m * n];
                Multiply(a, b, dense, 0, workers, kernel);
                for (int i = 0; i < m; i++)
                {
                    Assert.Equal(dense.AsSpan(i * n, n).ToArray(), wide.AsSpan(i * ldc, n).ToArray());
                    if (i < m - 1)
                        Assert.All(wide[(i * ldc + n)..((i + 1) * ldc)], x => Assert.True(float.IsNaN(x), $"{kernel}, {workers} worker(s): wrote between rows {i} and {i + 1}"));
                }
            }
    }

    [Fact]
    public void Multiply_OperandsOrDestinationTooSmall_ThrowsBeforeTouchingMemory()
    {
        var a = new float[6];   // 2×3
        var b = new float[12];  // 3×4
        var c = new float[8];   // 2×4
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 1, 3, 1, b, 0, 4, 1, c, 4, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 0, 3, 1, b, 0, 4, 1, c.AsSpan(1), 4, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 0, 3, 1, b, 0, 5, 1, c, 4, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 0, -3, 1, b, 0, 4, 1, c, 4, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(a, 0, 3, 1, b, 0, 4, 1, c, 3, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(a, 0, 3, 1, b, 0, 4, 1, c, 4, -2, 3, 4));
        Assert.All(c, x => Assert.Equal(0, x));
        Gemm.Multiply(a, 0, 3, 1, b, 0, 4, 1, c, 4, 2, 3, 4);   // the same call with every bound right goes through
    }

    [Fact]
    public void Multiply_DestinationOverlapsAnOperand_Throws()
    {
        var storage = new float[40];
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(storage, 0, 3, 1, storage.AsSpan(10, 12), 0, 4, 1, storage.AsSpan(4), 4, 2, 3, 4));
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(storage.AsSpan(0, 6), 0, 3, 1, storage.AsSpan(10, 12), 0, 4, 1, storage.AsSpan(20), 4, 2, 3, 4));
    }
}
