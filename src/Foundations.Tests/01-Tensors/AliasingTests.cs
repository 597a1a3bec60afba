using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Writes whose target shares storage with what they read: they give the right answer or refuse, never a wrong one.</summary>
public sealed class AliasingTests
{
    [Fact]
    public void AddInPlace_WithItself_Doubles()
    {
        var x = Tensor.Arange(20);

        x.AddInPlace(x);

        Assert.Equal(Tensor.Arange(20).ToArray().Select(v => 2 * v), x.ToArray());
    }

    [Fact]
    public void WritingThroughAnExpandedView_ThrowsInsteadOfChangingEveryRow()
    {
        var b = Tensor.From(1f, 2f, 3f);
        var e = b.Unsqueeze(0).Expand(2, 3);

        AssertThrowsNaming<InvalidOperationException>(() => e[0..2] = Tensor.Ones(2, 3), "CopyFrom", "(2, 3)", "stride 0");
        AssertThrowsNaming<InvalidOperationException>(() => e[1, 1] = 5f, "index", "(2, 3)");
        AssertThrowsNaming<InvalidOperationException>(() => e.Fill(0f), "Fill");
        AssertThrowsNaming<InvalidOperationException>(() => e.SetValue(0f, 0, 0), "SetValue");
        AssertThrowsNaming<InvalidOperationException>(() => e.AddInPlace(Tensor.Ones(2, 3)), "AddInPlace");
        Assert.Equal([1f, 2f, 3f], b.ToArray());
    }

    [Fact]
    public void WritingToAnExpandedSizeOneDimension_IsAllowed()
    {
        var row = Tensor.Zeros(3).Unsqueeze(0).Expand(1, 3);

        row[0, 1] = 5f;

        Assert.Equal([0f, 5f, 0f], row.ToArray());
    }

    [Fact]
    public void Expand_RejectsANegativeSize()
    {
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(1, 3).Expand(-2, 3), "Expand", "negative");
    }

    [Fact]
    public void MatMulInto_ThrowsWhenTheDestinationIsAnOperand()
    {
        var a = Tensor.Ones(4, 4);

        AssertThrowsNaming<ArgumentException>(() => MatMulLadder.Into(a, Tensor.Ones(4, 4), a), "MatMulLadder.Into", "shares storage");
    }

    [Fact]
    public void Backward_AfterANewForward_DoesNotUseTheLastStepsGradient()
    {
        var model = new Sequential(new Lin(3, 2), new Relu(), new Lin(2, 1));
        var loss = new Mse();
        var x = Tensor.Ones(4, 3);
        loss.Forward(model.Forward(x), Tensor.Zeros(4));
        loss.Backward();
        model.Backward();

        model.Forward(x);

        AssertThrowsNaming<InvalidOperationException>(() => model.Backward(), "no gradient yet");
    }

    [Fact]
    public void Backward_RejectsAnOutputGradientOfTheWrongShape()
    {
        var relu = new Relu();
        var output = relu.Forward(Tensor.Ones(4, 3));
        output.Grad = Tensor.Ones(1, 3);

        AssertThrowsNaming<ArgumentException>(() => relu.Backward(), "Relu.Backward", "(1, 3)", "(4, 3)");
    }

    [Fact]
    public void Sequential_RejectsTheSameModuleTwice()
    {
        var relu = new Relu();

        AssertThrowsNaming<ArgumentException>(() => new Sequential(new Lin(3, 3), relu, new Lin(3, 3), relu), "Sequential", "twice");
    }

    [Fact]
    public void Sgd_UpdatesATransposedWeightInPlace()
    {
        var stored = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var w = stored.T();
        w.Grad = Tensor.Ones(3, 2);

        new Sgd([w], 0.5f).Step();

        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f], stored.ToArray());
    }

    [Fact]
    public void TestClose_DoesNotTreatNaNAsEqualUnlessAsked()
    {
        var nan = Tensor.From(float.NaN);

        Assert.Throws<CheckFailedException>(() => Check.TestClose(nan, nan));
        Check.TestClose(nan, nan, equalNan: true);
    }

    [Fact]
    public void Rand_StaysBelowOne()
    {
        var generator = new Generator(11);

        Assert.True(generator.Uniform([1_000_000]).Max().Item() < 1f);
    }
}
