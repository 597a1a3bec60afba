namespace Foundations.Engine.Tests;

/// <summary>
/// Strided matrices over float arrays, in every layout a view can give them, and the check that a
/// product written into an array matches a double-precision triple loop. The engine's GEMM tests use
/// it, and so does Foundations.Tests (linked there) for chapter 2's Simd loop, which takes the same
/// storage, offset and strides.
/// </summary>
public static class StridedProducts
{
    /// <summary>A strided (rows × cols) view over a float array: element (i, j) is Data[Offset + i·RowStride + j·ColStride].</summary>
    internal sealed record View(float[] Data, int Offset, int RowStride, int ColStride, int Rows, int Cols)
    {
        public float this[int i, int j] => Data[Offset + i * RowStride + j * ColStride];

        public override string ToString() =>
            $"({Rows}x{Cols}, offset {Offset}, strides ({RowStride},{ColStride}))";
    }

    public enum Layout { RowMajor, Transposed, Padded, Flipped, BroadcastRows, BroadcastColumns }

    /// <summary>Writes A·B into c, with C's m×n elements starting at cOffset, rows n apart.</summary>
    internal delegate void Multiplier(View a, View b, float[] c, int cOffset);

    /// <summary>A random (rows × cols) matrix stored in the given layout.</summary>
    internal static View Make(Random random, int rows, int cols, Layout layout)
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

    // (m, k, n): degenerate, prime, one less / equal / one more than the 6×16 tile and the
    // 240 (rows) × 256 (depth) × 4096 (columns) blocks, the same for the 14×32 tile and its
    // 112 (rows) × 1024 (depth) blocks, and one big enough to go parallel. With
    // the split forced, (300, 257, 511) also packs B in shares (its panel is above PrivatePackFloats).
    internal static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (1, 1, 40), (40, 1, 1), (1, 50, 1), (1, 784, 10), (30, 1, 33),
        (784, 5, 1), (10, 5, 784),
        (7, 13, 17), (33, 65, 129), (5, 784, 10), (200, 100, 50),
        (5, 3, 15), (6, 3, 16), (7, 3, 17), (12, 9, 32), (13, 9, 33), (11, 9, 31),
        (18, 255, 48), (18, 256, 48), (18, 257, 48), (6, 513, 16), (7, 1000, 3),
        (239, 20, 17), (240, 20, 17), (241, 20, 17), (481, 7, 20),
        (7, 3, 4095), (7, 3, 4096), (7, 3, 4097), (2, 2, 8200),
        (300, 257, 511),
        (13, 9, 31), (14, 9, 32), (15, 9, 33), (28, 17, 64), (29, 17, 65), (27, 300, 63),
        (503, 9, 40), (504, 9, 40), (505, 9, 40), (1009, 5, 33),
        (111, 9, 40), (112, 9, 40), (113, 9, 40),
        (15, 1023, 33), (15, 1024, 33), (29, 1025, 65), (15, 2049, 33), (113, 1030, 70),
    ];

    /// <summary>
    /// Runs <paramref name="multiply"/> on a C prefilled with NaN (so anything accumulated into old
    /// contents shows) inside a larger array (so writes outside C show), then compares with the reference.
    /// </summary>
    /// <remarks>
    /// Tolerance: a float32 dot product of length k, summed in any order, with or without FMA,
    /// is within γ_k·Σ|a_ip·b_pj| of the exact value, where γ_k = k·u/(1 - k·u) and u = 2^-24
    /// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). So the bound scales with
    /// each element's own Σ|a||b| rather than with |c|, which can be near zero after cancellation.
    /// A dropped or doubled term is off by about Σ|a||b|/k, far above k·u·Σ|a||b| for these k.
    /// </remarks>
    internal static void AssertMatchesReference(string name, Multiplier multiply, View a, View b)
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        const int Before = 3, After = 4;
        var c = new float[Before + m * n + After];
        Array.Fill(c, float.NaN);
        multiply(a, b, c, Before);

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
}
