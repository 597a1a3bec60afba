using Foundations.Engine;
using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Every matmul version against one double-precision reference, on awkward shapes and strided operands.</summary>
public sealed class MatMulTests
{
    /// <summary>Every version, each with the (a, b) -> a @ b signature; Into writes into a pre-filled destination.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<Tensor, Tensor, Tensor>> Versions =
        new Dictionary<string, Func<Tensor, Tensor, Tensor>>
        {
            ["Naive"] = MatMulLadder.Naive,
            ["RowTimesColumn"] = MatMulLadder.RowTimesColumn,
            ["Broadcast"] = MatMulLadder.Broadcast,
            ["Simd"] = MatMulLadder.Simd,
            ["Blocked"] = MatMulLadder.Blocked,
            ["BlockedSingleThread"] = MatMulLadder.BlockedSingleThread,
            ["MathNet"] = MatMulLadder.MathNet,
            ["Into"] = (a, b) => IntoGarbage(a, b, parallel: true),
            ["IntoSingleThread"] = (a, b) => IntoGarbage(a, b, parallel: false),
            ["Tensor.MatMul"] = (a, b) => a.MatMul(b),
        };

    // The destination starts full of NaN, so a kernel that accumulates into it instead of overwriting fails.
    private static Tensor IntoGarbage(Tensor a, Tensor b, bool parallel)
    {
        var c = Tensor.Full(float.NaN, a.Shape[0], b.Shape[1]);
        MatMulLadder.Into(a, b, c, parallel);
        return c;
    }

    public static TheoryData<string> VersionNames() => [.. Versions.Keys];

    /// <summary>max over (i, j) of Σ_p |a[i,p]|·|b[p,j]|: the size of the terms a float32 dot product rounds.</summary>
    internal static double AbsProductScale(Tensor a, Tensor b)
    {
        var product = ReferenceMatMul(a.Abs(), b.Abs());
        return product.Length == 0 ? 0 : product.Max();
    }

    // Each float32 product-sum of k terms carries a rounding error of at most about k·ε·Σ|a||b|
    // (ε = 2^-24 ≈ 6e-8), and in practice about sqrt(k)·ε·Σ|a||b| for any summation order; we allow
    // 4·sqrt(k)·ε·scale, plus k·ε·scale for the smallest k, so a wrong element (off by a whole
    // term, ~1e-2·scale at least here) still fails.
    private static void AssertMatchesReference(Tensor actual, Tensor a, Tensor b, string what)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        Assert.Equal([m, n], actual.Shape);
        double scale = AbsProductScale(a, b);
        double atol = Math.Max(4 * Math.Sqrt(k), k) * 6e-8 * scale + 1e-30;
        var expected = ReferenceMatMul(a, b);
        AssertClose(ToDoubles(actual), expected, 0, atol, what);
    }

    // 1×n, n×1, k = 1, sizes around the SIMD width (8), the register tile (6×16) and the depth block (256).
    public static TheoryData<string, int, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int, int>();
        int[][] shapes =
        [
            [1, 1, 1], [1, 9, 1], [1, 17, 33], [13, 7, 1], [5, 1, 9], [6, 1, 16], [7, 3, 5],
            [8, 8, 8], [9, 15, 17], [6, 16, 16], [12, 32, 48], [13, 33, 47], [5, 784, 10],
            [1, 257, 3], [37, 255, 19], [31, 256, 33], [29, 513, 31], [67, 300, 70],
        ];
        foreach (var version in Versions.Keys)
            foreach (var s in shapes)
            {
                // The naive versions are slow by design; their largest shapes add time, not coverage.
                if (version is "Naive" or "RowTimesColumn" or "Broadcast" && s[0] * s[1] * s[2] > 300_000) continue;
                data.Add(version, s[0], s[1], s[2]);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMul_MatchesDoubleReference(string version, int m, int k, int n)
    {
        var random = new Random(m * 10007 + k * 101 + n);
        var a = RandomTensor(random, m, k);
        var b = RandomTensor(random, k, n);

        var c = Versions[version](a, b);

        AssertMatchesReference(c, a, b, $"{version} ({m}, {k}) @ ({k}, {n})");
    }

    [Theory]
    [MemberData(nameof(VersionNames))]
    public void MatMul_TransposedOperands_MatchesDoubleReference(string version)
    {
        var random = new Random(7);
        var a = RandomTensor(random, 21, 11).T();
        var b = RandomTensor(random, 19, 21).T();
        Assert.False(a.IsContiguous);
        Assert.False(b.IsContiguous);

        var c = Versions[version](a, b);

        AssertMatchesReference(c, a, b, $"{version} transposed");
    }

    [Theory]
    [MemberData(nameof(VersionNames))]
    public void MatMul_SlicedOperandsWithOffsets_MatchesDoubleReference(string version)
    {
        var random = new Random(8);
        var a = RandomTensor(random, 30, 40)[3..20, 5..32];
        var b = RandomTensor(random, 40, 30).T()[1..28, 4..29];

        var c = Versions[version](a, b);

        AssertMatchesReference(c, a, b, $"{version} sliced");
    }

    [Theory]
    [MemberData(nameof(VersionNames))]
    public void MatMul_ExpandedOperand_MatchesDoubleReference(string version)
    {
        var random = new Random(9);
        var a = RandomTensor(random, 1, 10).Expand(7, 10);
        var b = RandomTensor(random, 10, 1).Expand(10, 9);

        var c = Versions[version](a, b);

        AssertMatchesReference(c, a, b, $"{version} expanded (stride 0)");
    }

    [Fact]
    public void MatMul_EmptyInnerDimension_GivesZeros()
    {
        foreach (var (name, version) in Versions)
        {
            var c = version(Tensor.Zeros(3, 0), Tensor.Zeros(0, 4));
            Assert.Equal([3, 4], c.Shape);
            Assert.True(c.ToArray().All(v => v == 0f), name);
        }
    }

    [Fact]
    public void Into_ContiguousRowBlockOfLargerTensor_WritesOnlyThatBlock()
    {
        var random = new Random(10);
        var a = RandomTensor(random, 3, 5);
        var b = RandomTensor(random, 5, 4);
        var big = Tensor.Full(-7f, 6, 4);
        var block = big[2..5];
        Assert.True(block.IsContiguous);

        MatMulLadder.Into(a, b, block);

        AssertMatchesReference(block, a, b, "Into a row block");
        Assert.All(big[0..2].ToArray(), v => Assert.Equal(-7f, v));
        Assert.All(big[5..].ToArray(), v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void MatMul_KnownSmallProduct_IsExact()
    {
        var a = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Tensor.From(new float[,] { { 7, 8 }, { 9, 10 }, { 11, 12 } });

        foreach (var (name, version) in Versions)
            Assert.True(new[] { 58f, 64f, 139f, 154f }.SequenceEqual(version(a, b).ToArray()), name);
    }

    [Fact]
    public void MatMul_DoesNotChangeItsOperands()
    {
        var random = new Random(11);
        var a = RandomTensor(random, 9, 17);
        var b = RandomTensor(random, 17, 5);
        var a0 = a.ToArray();
        var b0 = b.ToArray();

        foreach (var version in Versions.Values) version(a, b);

        Assert.Equal(a0, a.ToArray());
        Assert.Equal(b0, b.ToArray());
    }

    [Fact]
    public void ToMatrixAndToTensor_RoundTripARectangularTensor()
    {
        var t = Tensor.Arange(12).Reshape(3, 4).T();

        var m = t.ToMatrix();
        var back = m.ToTensor();

        Assert.Equal(4, m.RowCount);
        Assert.Equal(3, m.ColumnCount);
        Assert.Equal(t[1, 2], m[1, 2]);
        Assert.Equal(t.ToArray(), back.ToArray());
        Assert.Equal([4, 3], back.Shape);
    }

    [Fact]
    public void ToMatrix_ThrowsForATensorThatIsNotAMatrix()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).ToMatrix());

        Assert.Contains("ToMatrix", error.Message);
        Assert.Contains("(2, 3, 4)", error.Message);
    }

    [Fact]
    public void Tensor_PublicSurface_HasNoMathNetTypes()
    {
        var members = typeof(Tensor).GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance
            | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly);
        var types = members.SelectMany(m => m switch
        {
            System.Reflection.MethodInfo method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType),
            System.Reflection.PropertyInfo property => [property.PropertyType],
            _ => [],
        });

        Assert.DoesNotContain(types, t => t.Namespace?.StartsWith("MathNet", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void BlockedKernel_NamesTheKernelBlockedRunsAndItsVectorWidth()
    {
        var (big, bigBits) = MatMulLadder.BlockedKernel(1024, 1024);
        var (small, smallBits) = MatMulLadder.BlockedKernel(5, 10);
        if (Peak.IsSupported(512))
        {
            Assert.Equal(("AVX-512 14×32", 512), (big, bigBits));
            Assert.Equal(("AVX2 6×16", 256), (small, smallBits));   // 5×10 would fill 11 % of a 14×32 tile
        }
        else if (Peak.IsSupported(256))
        {
            Assert.Equal(("AVX2 6×16", 256), (big, bigBits));
        }
        else
        {
            Assert.Equal(("portable", 0), (big, bigBits));
        }
        Assert.Contains("m = -1", Assert.Throws<ArgumentOutOfRangeException>(() => MatMulLadder.BlockedKernel(-1, 3)).Message);
    }
}
