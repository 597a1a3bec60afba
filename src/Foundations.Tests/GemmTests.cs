using CsCheck;

namespace Foundations.Tests;

/// <summary>
/// Every Gemm entry point and every micro-kernel the machine supports against a triple loop in
/// double precision, over shapes chosen to land on and around the kernels' tiles (6×16, 14×32) and
/// cache blocks (240 or 504 rows, 256 deep, 4096 columns), and over strided views. The portable
/// kernel runs here on any machine; GemmKernelProcessTests reruns a check in processes with AVX-512,
/// AVX2 or all hardware intrinsics switched off, which also covers the packing code's non-AVX paths.
/// </summary>
public sealed class GemmTests
{
    /// <summary>A strided (rows × cols) view over a float array, as Gemm receives it.</summary>
    private sealed record View(float[] Data, int Offset, int RowStride, int ColStride, int Rows, int Cols)
    {
        public float this[int i, int j] => Data[Offset + i * RowStride + j * ColStride];

        public override string ToString() =>
            $"({Rows}x{Cols}, offset {Offset}, strides ({RowStride},{ColStride}))";
    }

    public enum Layout { RowMajor, Transposed, Padded, Flipped, BroadcastRows, BroadcastColumns }

    /// <summary>A random (rows × cols) matrix stored in the given layout.</summary>
    private static View Make(Random random, int rows, int cols, Layout layout)
    {
        float[] Fill(int length)
        {
            var data = new float[length];
            for (int i = 0; i < length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
            return data;
        }

        return layout switch
        {
            Layout.RowMajor => new View(Fill(rows * cols), 0, cols, 1, rows, cols),
            // The storage of the transpose, as a .T view sees it: element (i, j) sits at j*rows + i.
            Layout.Transposed => new View(Fill(rows * cols), 0, 1, rows, rows, cols),
            // Rows wider than the view and a nonzero offset, as a slice x[2:, 3:] sees them.
            Layout.Padded => new View(Fill(5 + rows * (cols + 3)), 5, cols + 3, 1, rows, cols),
            // x.flip(0): the last stored row comes first, so the row stride is negative.
            Layout.Flipped => new View(Fill(rows * cols), (rows - 1) * cols, -cols, 1, rows, cols),
            // One stored row repeated, as broadcasting a (1, cols) tensor to (rows, cols) does.
            Layout.BroadcastRows => new View(Fill(cols + 2), 2, 0, 1, rows, cols),
            // One stored column repeated.
            Layout.BroadcastColumns => new View(Fill(rows + 1), 1, 1, 0, rows, cols),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
    }

    private delegate void Multiplier(View a, View b, float[] c, int cOffset);

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
                Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
                    c, o, a.Rows, a.Cols, b.Cols, workers: Math.Max(2, Gemm.Team.Size), kernel);
        }
        multipliers["MultiplySimd"] = (a, b, c, o) => Gemm.MultiplySimd(
            a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
            c, o, a.Rows, a.Cols, b.Cols);
        return multipliers;
    }

    private static void Multiply(View a, View b, float[] c, int cOffset, bool parallel, GemmKernel kernel) =>
        Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
            c, cOffset, a.Rows, a.Cols, b.Cols, parallel, kernel);

    /// <summary>
    /// Runs one multiplier on a C prefilled with NaN (so anything accumulated into old contents
    /// shows) inside a larger array (so writes outside C show), then compares with the reference.
    /// </summary>
    /// <remarks>
    /// Tolerance: a float32 dot product of length k, summed in any order, with or without FMA,
    /// is within γ_k·Σ|a_ip·b_pj| of the exact value, where γ_k = k·u/(1 - k·u) and u = 2^-24
    /// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). So the bound scales with
    /// each element's own Σ|a||b| rather than with |c|, which can be near zero after cancellation.
    /// A dropped or doubled term is off by about Σ|a||b|/k, far above k·u·Σ|a||b| for these k.
    /// </remarks>
    private static void AssertMatchesReference(string name, View a, View b)
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        const int Before = 3, After = 4;
        var c = new float[Before + m * n + After];
        Array.Fill(c, float.NaN);
        Multipliers[name](a, b, c, Before);

        double u = Math.Pow(2, -24), gamma = (k + 1) * u / (1 - (k + 1) * u);
        double[] aRows = Dense(a, transpose: false), bColumns = Dense(b, transpose: true);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = aRows[i * k + p] * bColumns[j * k + p];
                    exact += term;
                    magnitude += Math.Abs(term);
                }
                double actual = c[Before + i * n + j];
                double error = Math.Abs(actual - exact);
                if (!(error <= gamma * magnitude))
                    Assert.Fail($"{name}: {a} @ {b}: c[{i},{j}] = {actual}, expected {exact} " +
                        $"(error {error:g3} > bound {gamma * magnitude:g3})");
            }
        Assert.All(c[..Before], x => Assert.True(float.IsNaN(x), $"{name} wrote before C"));
        Assert.All(c[(Before + m * n)..], x => Assert.True(float.IsNaN(x), $"{name} wrote after C"));
    }

    /// <summary>The view's elements in double, row by row (or column by column when transposed).</summary>
    private static double[] Dense(View view, bool transpose)
    {
        var dense = new double[view.Rows * view.Cols];
        for (int i = 0; i < view.Rows; i++)
            for (int j = 0; j < view.Cols; j++)
                dense[transpose ? j * view.Rows + i : i * view.Cols + j] = view[i, j];
        return dense;
    }

    // (m, k, n): degenerate, prime, one less / equal / one more than the 6×16 tile and the
    // 240 (rows) × 256 (depth) × 4096 (columns) blocks, the same for the 14×32 tile and its
    // 112 (rows) × 1024 (depth) blocks, and one big enough to go parallel. With
    // the split forced, (300, 257, 511) also packs B in shares (its panel is above SerialPackFloats).
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 }, { 1, 1, 40 }, { 40, 1, 1 }, { 1, 50, 1 }, { 1, 784, 10 }, { 30, 1, 33 },
        { 784, 5, 1 }, { 10, 5, 784 },
        { 7, 13, 17 }, { 33, 65, 129 }, { 5, 784, 10 }, { 200, 100, 50 },
        { 5, 3, 15 }, { 6, 3, 16 }, { 7, 3, 17 }, { 12, 9, 32 }, { 13, 9, 33 }, { 11, 9, 31 },
        { 18, 255, 48 }, { 18, 256, 48 }, { 18, 257, 48 }, { 6, 513, 16 }, { 7, 1000, 3 },
        { 239, 20, 17 }, { 240, 20, 17 }, { 241, 20, 17 }, { 481, 7, 20 },
        { 7, 3, 4095 }, { 7, 3, 4096 }, { 7, 3, 4097 }, { 2, 2, 8200 },
        { 300, 257, 511 },
        { 13, 9, 31 }, { 14, 9, 32 }, { 15, 9, 33 }, { 28, 17, 64 }, { 29, 17, 65 }, { 27, 300, 63 },
        { 503, 9, 40 }, { 504, 9, 40 }, { 505, 9, 40 }, { 1009, 5, 33 },
        { 111, 9, 40 }, { 112, 9, 40 }, { 113, 9, 40 },
        { 15, 1023, 33 }, { 15, 1024, 33 }, { 29, 1025, 65 }, { 15, 2049, 33 }, { 113, 1030, 70 },
    };

    public static TheoryData<string, int, int, int> ShapesForEveryMultiplier()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string name in Multipliers.Keys)
            foreach (var row in Shapes)
            {
                var (m, k, n) = ((int)row[0], (int)row[1], (int)row[2]);
                data.Add(name, m, k, n);
            }
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
        Gemm.Multiply([], 0, 0, 1, [], 0, 3, 1, c, 1, 2, 0, 3, parallel);
        Assert.Equal([float.NaN, 0, 0, 0, 0, 0, 0, float.NaN], c);
    }

    [Fact]
    public void Multiply_EmptyResult_LeavesDestinationAlone()
    {
        var c = new float[] { 7 };
        Gemm.Multiply([1, 2], 0, 2, 1, [], 0, 0, 1, c, 0, 1, 2, 0, parallel: true);
        Gemm.Multiply([], 0, 2, 1, [1, 2], 0, 1, 1, c, 0, 0, 2, 1, parallel: true);
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
        Assert.Equal(split ? Gemm.Team.Size : 1, Gemm.Workers(parallel: true, m, k, n, kernel));
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
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, c, 1, m, k, n, workers: 2, kernel);
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
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, product, 0, m, k, n, workers, kernel);
            var c = (float[])start.Clone();
            Gemm.Multiply(a, 0, k, 1, b, 0, n, 1, c, 0, m, k, n, workers, kernel, accumulate: true);
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - (start[i] + product[i])) <= 1e-4f, $"{kernel}: element {i} is {c[i]}, expected {start[i] + product[i]}");
        }
    }
}
