using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Foundations.Engine;

namespace Foundations.Tests;

/// <summary>
/// The test assembly's entry point. The test runner loads this assembly as a library and never
/// calls it; <c>dotnet Foundations.Tests.dll kernel-check</c> runs <see cref="MatMulKernelCheck"/>, which is
/// how <see cref="MatMulKernelProcessTests"/> checks the tensor matmul in processes started with some
/// instruction sets switched off.
/// </summary>
internal static class TestAssemblyProgram
{
    public static int Main(string[] args) => args is ["kernel-check"] ? MatMulKernelCheck.Run(Console.Out) : 0;
}

/// <summary>
/// Every allocating and preallocated MatMul entry point, with whatever micro-kernel this process
/// picks, against a double-precision triple loop. Operands are multiples of 1/64 in [-2, 2], so for
/// k ≤ 1000 every partial sum is exact in float32 and results must match the reference exactly,
/// whatever the summation order. The engine's own span-level check (Foundations.Engine.Tests,
/// KernelCheck) covers the GEMM itself; this one covers the tensor entry points that call it.
/// </summary>
internal static class MatMulKernelCheck
{
    // (m, k, n): a tile, odd sizes, 1×n and n×1, large enough to run in parallel, k = 0, n = 0, m = 0.
    private static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (7, 13, 17), (15, 33, 33), (1, 300, 37), (37, 300, 1), (29, 257, 65),
        (130, 520, 90), (5, 0, 7), (5, 3, 0), (0, 3, 5),
    ];

    private static readonly string[] Layouts = ["row-major", "transposed", "sliced", "expanded"];

    /// <summary>Writes the kernel chosen and any mismatch to <paramref name="output"/>; returns 0 when all match.</summary>
    public static int Run(TextWriter output)
    {
        output.WriteLine($"kernel={Gemm.Best} vector512={Vector512.IsHardwareAccelerated} " +
            $"avx512f={Avx512F.IsSupported} avx2={Avx2.IsSupported} fma={Fma.IsSupported} avx={Avx.IsSupported}");
        var random = new Random(12);
        int cases = 0, failures = 0;
        foreach (var (m, k, n) in Shapes)
            foreach (string aLayout in Layouts)
                foreach (string bLayout in Layouts)
                {
                    Tensor a = Make(random, m, k, aLayout), b = Make(random, k, n, bLayout);
                    var expected = Reference(a, b);
                    foreach (var (name, multiply) in Versions)
                    {
                        cases++;
                        var actual = multiply(a, b);
                        string? problem = Compare(expected, actual, m, n);
                        if (problem is null) continue;
                        failures++;
                        output.WriteLine($"FAIL {name}: ({m}, {k}) {aLayout} @ ({k}, {n}) {bLayout}: {problem}");
                    }
                }
        output.WriteLine($"{cases - failures}/{cases} cases match");
        return failures == 0 ? 0 : 1;
    }

    private static readonly (string Name, Func<Tensor, Tensor, Tensor> Multiply)[] Versions =
    [
        ("a.MatMul(b)", (a, b) => a.MatMul(b)),
        ("MatMulLadder.BlockedSingleThread", MatMulLadder.BlockedSingleThread),
        ("MatMulLadder.Into, parallel", (a, b) => Into(a, b, parallel: true)),
        ("MatMulLadder.Into, single thread", (a, b) => Into(a, b, parallel: false)),
    ];

    // A destination full of NaN: anything accumulated into it, or left unwritten, shows.
    private static Tensor Into(Tensor a, Tensor b, bool parallel)
    {
        var c = Tensor.Full(float.NaN, a.Size(0), b.Size(1));
        MatMulLadder.Into(a, b, c, parallel);
        return c;
    }

    private static Tensor Make(Random random, int rows, int cols, string layout) => layout switch
    {
        "row-major" => Values(random, rows, cols),
        "transposed" => Values(random, cols, rows).T(),
        "sliced" => Values(random, rows + 1, cols + 3)[1.., 2..^1],
        _ => Values(random, 1, cols).Expand(rows, cols),
    };

    private static Tensor Values(Random random, int rows, int cols)
    {
        var data = new float[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = random.Next(-128, 129) / 64f;
        return Tensor.FromArray(data, rows, cols);
    }

    private static double[] Reference(Tensor a, Tensor b)
    {
        int m = a.Size(0), k = a.Size(1), n = b.Size(1);
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                    c[i * n + j] += (double)a[i, p] * b[p, j];
        return c;
    }

    private static string? Compare(double[] expected, Tensor actual, int m, int n)
    {
        if (actual.Rank != 2 || actual.Size(0) != m || actual.Size(1) != n)
            return $"shape {actual.ShapeString}, expected ({m}, {n})";
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (actual[i, j] != expected[i * n + j])
                    return $"c[{i},{j}] = {actual[i, j]}, expected {expected[i * n + j]}";
        return null;
    }
}
