using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Numbers that make no sense (a NaN learning rate, a zero step) are refused by name, not turned into NaN weights or empty results.</summary>
public sealed class NumericArgumentTests
{
    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Sgd_RefusesALearningRateThatIsNegativeOrNotFinite(float lr)
    {
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => new Sgd([Tensor.Ones(2)], lr), "Sgd", "learning rate", lr.ToString());
        var sgd = new Sgd([Tensor.Ones(2)], 0.1f);
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => sgd.Lr = lr, "Sgd", "learning rate");
        Assert.Equal(0.1f, sgd.Lr);
    }

    [Fact]
    public void Sgd_AcceptsALearningRateOfZero()
    {
        var w = Tensor.Ones(2);
        w.Grad = Tensor.Ones(2);
        new Sgd([w], 0f).Step();
        Assert.Equal([1f, 1f], w.ToArray());
    }

    [Fact]
    public void Sgd_Step_RefusesAGradientOfAnotherShape_NamingTheParameterAndBothShapes()
    {
        var b = Tensor.Zeros(3);
        var w = Tensor.Zeros(4, 3);
        b.Grad = Tensor.Ones(3);
        w.Grad = Tensor.Ones(1, 3);

        AssertThrowsNaming<InvalidOperationException>(new Sgd([b, w], 0.1f).Step, "Sgd.Step", "parameter 1", "(4, 3)", "(1, 3)");
        Assert.All(w.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Sgd_RefusesANullParameter() =>
        AssertThrowsNaming<ArgumentException>(() => new Sgd([Tensor.Ones(2), null!], 0.1f), "Sgd", "parameter 1 is null");

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    public void InitNormal_RefusesAStdThatIsNegativeOrNotFinite(float std) =>
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => Init.Normal(3, 4, std), "Init.Normal", "std", std.ToString());

    [Theory]
    [InlineData(0f, 5f, -1f)]
    [InlineData(5f, 0f, 1f)]
    [InlineData(0f, -3f, 0.5f)]
    public void Arange_RefusesAStepThatGoesAwayFromEnd(float start, float end, float step) =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Arange(start, end, step), "Arange", "step", "negative length");

    [Fact]
    public void Arange_RefusesANegativeLength() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Arange(-3), "Arange", "negative length");

    [Fact]
    public void Arange_RefusesAZeroStep() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Arange(0f, 5f, 0f), "Arange", "step non-zero");

    [Fact]
    public void Arange_StillGivesAnEmptyRangeWhenStartIsEnd() =>
        Assert.Equal([0], Tensor.Arange(2f, 2f).Shape);

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(-1e-3)]
    [InlineData(double.PositiveInfinity)]
    public void GradCheck_RefusesAStepThatIsNotFiniteAndPositive(double h)
    {
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => GradCheck.Numerical(x => x[0], [1.0], h), "GradCheck.Numerical", "h");
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => GradCheck.Numerical(() => 0f, Tensor.Ones(2), (float)h), "GradCheck.Numerical", "h");
    }

    [Fact]
    public void Permutation_RefusesANegativeCount() =>
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => new Generator(0).Permutation(-1), "Generator.Permutation", "-1");

    [Fact]
    public void Permutation_OfZero_IsEmpty() => Assert.Empty(new Generator(0).Permutation(0));
}
