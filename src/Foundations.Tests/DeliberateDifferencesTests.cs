using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Where this library chooses to differ from PyTorch 1.13, one test each pins our behaviour, so a
/// change is a decision and not an accident. The README lists the same differences.
/// (Init.XavierNormal/XavierUniform using 1/sqrt(nIn) are pinned in InitTests.)
/// </summary>
public sealed class DeliberateDifferencesTests
{
    [Fact]
    public void Sum_AccumulatesInDouble_SoAnIntermediateOverflowDoesNotReachInfinity()
    {
        // PyTorch's float32 sum gives inf: 3e38 + 3e38 overflows before - 3e38 comes in.
        var t = Tensor.From(3e38f, 3e38f, -3e38f);

        Assert.Equal(3e38f, t.Sum().Item());
        Assert.Equal(3e38f, t.Sum(0).Item());
    }

    [Fact]
    public void Pow_OfOneHalf_FollowsCPow_AtSignedZeroAndMinusInfinity()
    {
        // PyTorch computes x**0.5 as sqrt: sqrt(-0) = -0 and sqrt(-inf) = nan. C's pow gives +0 and +inf.
        var x = Tensor.From(-0f, 0f, float.NegativeInfinity);

        var y = x.Pow(0.5f).ToArray();

        Assert.Equal(0f, y[0]);
        Assert.False(float.IsNegative(y[0]));
        Assert.False(float.IsNegative(y[1]));
        Assert.Equal(float.PositiveInfinity, y[2]);
    }

    [Fact]
    public void Pow_OfMinusOneHalf_FollowsCPow_AtSignedZeroAndMinusInfinity()
    {
        // PyTorch computes x**-0.5 as rsqrt: rsqrt(-0) = -inf and rsqrt(-inf) = nan. C's pow gives +inf and +0.
        var x = Tensor.From(-0f, 0f, float.NegativeInfinity);

        var y = x.Pow(-0.5f).ToArray();

        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.Equal(0f, y[2]);
        Assert.False(float.IsNegative(y[2]));
    }

    [Fact]
    public void Mean_ThrowsForAnEmptyTensor() =>
        // PyTorch returns nan.
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0, 3).Mean(), "Mean", "empty", "(0, 3)");

    [Fact]
    public void Std_ThrowsForAnEmptyTensor() =>
        // PyTorch returns nan.
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(3, 0).Std(), "Std", "empty", "(3, 0)");

    [Fact]
    public void View_OfANonContiguousTensor_ThrowsInvalidOperationNamingTheShape()
    {
        // PyTorch views some non-contiguous tensors whose strides allow it; we ask for Contiguous() or Reshape.
        var transposed = Tensor.Arange(12).View(3, 4).T();

        AssertThrowsNaming<InvalidOperationException>(() => transposed.View(12), "View", "(4, 3)", "Contiguous");
    }

    [Fact]
    public void Relu_GradientAtExactlyZero_IsZero()
    {
        var relu = new Relu();
        var inp = Tensor.From(-1f, 0f, 2f).Unsqueeze(0);
        var output = relu.Forward(inp);
        output.Grad = Tensor.Ones(1, 3);

        relu.Backward();

        Assert.Equal([0f, 0f, 1f], inp.Grad!.ToArray());
    }

    [Fact]
    public void AddInPlace_WithAnOverlappingViewOfItself_ReadsTheValuesBeforeTheWrite()
    {
        // PyTorch refuses (or leaves undefined) an add_ whose operand overlaps the destination; we copy the operand first.
        var x = Tensor.Arange(20);
        var expected = Tensor.Arange(20).ToArray();
        for (int i = 19; i >= 1; i--) expected[i] += expected[i - 1];

        x[1..].AddInPlace(x[..19]);

        Assert.Equal(expected, x.ToArray());
    }
}
