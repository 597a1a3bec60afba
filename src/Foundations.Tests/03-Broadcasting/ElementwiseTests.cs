using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Unary and binary elementwise ops against scalar loops over MathF, on lengths around the SIMD
/// width so the vector body, the scalar tail and the strided path all run.
/// </summary>
public sealed class ElementwiseTests
{
    public static TheoryData<int> Lengths() => [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100];

    private static void AssertMapsLike(Func<Tensor, Tensor> op, Func<float, float> scalar, Tensor input, string what)
    {
        var result = op(input);
        var values = input.ToArray();

        Assert.Equal(input.Shape, result.Shape);
        var actual = result.ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.True(scalar(values[i]).Equals(actual[i]), $"{what}: element {i}: f({values[i]}) = {actual[i]}, expected {scalar(values[i])}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void UnaryOps_ContiguousInput_MatchScalarMathF(int length)
    {
        var random = new Random(length);
        var x = RandomTensor(random, length);
        var positive = x.Abs() + 0.25f;

        AssertMapsLike(t => t.Neg(), v => -v, x, "Neg");
        AssertMapsLike(t => -t, v => -v, x, "operator -");
        AssertMapsLike(t => t.Abs(), MathF.Abs, x, "Abs");
        AssertMapsLike(t => t.ClampMin(0), v => MathF.Max(v, 0), x, "ClampMin(0)");
        AssertMapsLike(t => t.ClampMin(-0.5f), v => MathF.Max(v, -0.5f), x, "ClampMin(-0.5)");
        AssertMapsLike(t => t.Pow(2), v => v * v, x, "Pow(2)");
        AssertMapsLike(t => t.Sqrt(), MathF.Sqrt, positive, "Sqrt");
        AssertMapsLike(t => t.Pow(3), v => MathF.Pow(v, 3), x, "Pow(3)");
    }

    // Vector.Exp and Vector.Log are not bit-identical to MathF.Exp and MathF.Log; they agree to a few ulps.
    [Theory]
    [MemberData(nameof(Lengths))]
    public void ExpAndLog_MatchDoublePrecisionToAFewUlps(int length)
    {
        var random = new Random(100 + length);
        var x = RandomTensor(random, length);
        var positive = x.Abs() + 0.25f;

        AssertClose(ToDoubles(x.Exp()), ToDoubles(x).Select(v => Math.Exp(v)).ToArray(), 5e-7, 0, "Exp");
        AssertClose(ToDoubles(positive.Log()), ToDoubles(positive).Select(v => Math.Log(v)).ToArray(), 5e-7, 1e-7, "Log");
    }

    [Fact]
    public void UnaryOps_OnATransposedView_MatchTheContiguousCopy()
    {
        var random = new Random(5);
        var x = RandomTensor(random, 9, 13).T();

        // The strided path applies MathF.Exp per element, the contiguous one Vector.Exp: an ulp or two apart.
        AssertClose(x.Exp(), x.Contiguous().Exp(), 5e-7, 0, "Exp of a transposed view");
        Assert.Equal(x.Contiguous().Abs().ToArray(), x.Abs().ToArray());
        Assert.Equal([13, 9], x.ClampMin(0).Shape);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryOps_SameShape_MatchScalarArithmetic(int length)
    {
        var random = new Random(200 + length);
        var a = RandomTensor(random, length);
        var b = RandomNonZero(random, length);
        float[] av = a.ToArray(), bv = b.ToArray();

        Assert.Equal(av.Zip(bv, (x, y) => x + y), (a + b).ToArray());
        Assert.Equal(av.Zip(bv, (x, y) => x - y), (a - b).ToArray());
        Assert.Equal(av.Zip(bv, (x, y) => x * y), (a * b).ToArray());
        Assert.Equal(av.Zip(bv, (x, y) => x / y), (a / b).ToArray());
        Assert.Equal(av.Select(x => x * 3f), (a * 3f).ToArray());
        Assert.Equal(av.Select(x => 3f * x), (3f * a).ToArray());
        Assert.Equal(av.Select(x => 1f / x), (1f / a).ToArray());
    }

    [Fact]
    public void Comparisons_GiveZeroOrOneIncludingTies()
    {
        var a = Tensor.From(1f, 2f, 3f, 2f);
        var b = Tensor.From(2f, 2f, 2f, 5f);

        Assert.Equal(new float[] { 0, 0, 1, 0 }, (a > b).ToArray());
        Assert.Equal(new float[] { 0, 1, 1, 0 }, (a >= b).ToArray());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, (a < b).ToArray());
        Assert.Equal(new float[] { 1, 1, 0, 1 }, (a <= b).ToArray());
        Assert.Equal(new float[] { 0, 1, 0, 0 }, a.Eq(b).ToArray());
        Assert.Equal(new float[] { 1, 0, 1, 1 }, a.Ne(b).ToArray());
        Assert.Equal(new float[] { 0, 1, 1, 1 }, (a >= 2f).ToArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Comparisons_WithNaN_FollowIeee(int length)
    {
        // NaN compares false with everything, and != is true, in the vector body and in the tail.
        var a = Tensor.Full(float.NaN, length);
        var b = Tensor.Zeros(length);

        Assert.All((a > b).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(a.Eq(a).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(a.Ne(b).ToArray(), v => Assert.Equal(1f, v));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ClampMin_KeepsNaN(int length)
    {
        var x = Tensor.Full(float.NaN, length);

        Assert.All(x.ClampMin(0).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void BinaryOps_DoNotChangeTheirOperandsAndReturnNewStorage()
    {
        var a = Tensor.From(1f, 2f, 3f);
        var b = Tensor.From(4f, 5f, 6f);

        var c = a + b;
        c.Fill(0);

        Assert.Equal(new float[] { 1, 2, 3 }, a.ToArray());
        Assert.Equal(new float[] { 4, 5, 6 }, b.ToArray());
    }

    [Fact]
    public void AddInPlace_AddsAScaledTensorAndReturnsItself()
    {
        var p = Tensor.From(1f, 2f, 3f);

        var result = p.AddInPlace(Tensor.From(10f, 20f, 30f), alpha: -0.5f);

        Assert.Same(p, result);
        Assert.Equal(new float[] { -4, -8, -12 }, p.ToArray());
    }

    [Fact]
    public void AddInPlace_BroadcastsTheOtherOperand()
    {
        var m = Tensor.Zeros(2, 3);

        m.AddInPlace(Tensor.From(1f, 2f, 3f));
        m.AddInPlace(Tensor.Scalar(10));

        Assert.Equal(new float[] { 11, 12, 13, 11, 12, 13 }, m.ToArray());
    }

    [Fact]
    public void AddInPlace_OnAContiguousRowView_ChangesOnlyThatRow()
    {
        var m = Tensor.Zeros(3, 2);

        m[1].AddInPlace(Tensor.Ones(2));

        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0 }, m.ToArray());
    }

    [Fact]
    public void AddInPlace_OnANonContiguousView_WritesThroughToTheSource()
    {
        var m = Tensor.Zeros(3, 2);

        m.T().AddInPlace(Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }), alpha: 2f);

        Assert.Equal([2f, 8f, 4f, 10f, 6f, 12f], m.ToArray());
    }

    [Fact]
    public void Pow_OfNegativeBaseWithFractionalExponent_IsNaNAsInPyTorch()
    {
        Assert.True(float.IsNaN(Tensor.From(-4f).Pow(0.5f).Item()));
        Assert.Equal(0.5f, Tensor.From(4f).Pow(-0.5f).Item());
    }
}
