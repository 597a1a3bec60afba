using CsCheck;
using Foundations.Engine.Tests;
using static Foundations.Engine.Tests.StridedProducts;

namespace Foundations.Tests;

/// <summary>
/// Chapter 2's Simd loop (<see cref="MatMulLadder.SimdInto"/>, behind <see cref="MatMulLadder.Simd"/>) against
/// a double-precision triple loop, over the shapes and strided layouts the engine's GEMM is
/// checked on: it takes the same storage, offset and strides, and must not write outside C.
/// </summary>
public sealed class SimdTests
{
    private static readonly Multiplier Simd = (a, b, c, o) => MatMulLadder.SimdInto(
        a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
        c, o, a.Rows, a.Cols, b.Cols);

    public static TheoryData<int, int, int> EveryShape()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var (m, k, n) in StridedProducts.Shapes) data.Add(m, k, n);
        return data;
    }

    public static TheoryData<Layout, Layout> EveryLayoutPair()
    {
        var data = new TheoryData<Layout, Layout>();
        foreach (var aLayout in Enum.GetValues<Layout>())
            foreach (var bLayout in Enum.GetValues<Layout>())
                data.Add(aLayout, bLayout);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryShape))]
    public void SimdInto_RowMajor_MatchesDoubleReference(int m, int k, int n)
    {
        var random = new Random(m * 1_000_003 + k * 1009 + n);
        AssertMatchesReference("SimdInto", Simd, Make(random, m, k, Layout.RowMajor), Make(random, k, n, Layout.RowMajor));
    }

    [Theory]
    [MemberData(nameof(EveryLayoutPair))]
    public void SimdInto_StridedViews_MatchDoubleReference(Layout aLayout, Layout bLayout)
    {
        var random = new Random(17);
        foreach (var (m, k, n) in new[] { (13, 7, 19), (67, 300, 35), (150, 130, 140) })
            AssertMatchesReference("SimdInto", Simd, Make(random, m, k, aLayout), Make(random, k, n, bLayout));
    }

    [Fact]
    public void SimdInto_RandomShapesAndLayouts_MatchDoubleReference()
    {
        var layouts = Enum.GetValues<Layout>();
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 70], Gen.Int[1, 40], Gen.Int[0, layouts.Length - 1], Gen.Int[0, layouts.Length - 1])
            .Sample((m, k, n, aLayout, bLayout) =>
            {
                var random = new Random(m + 100 * k + 10_000 * n);
                AssertMatchesReference("SimdInto", Simd, Make(random, m, k, layouts[aLayout]), Make(random, k, n, layouts[bLayout]));
            }, iter: 100, seed: "0000000000Gm");
    }
}
