using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>One-hot targets, accuracy and an evaluation pass through a model's own Forward.</summary>
public sealed class ClassificationTests
{
    [Fact]
    public void OneHot_PutsAOneInTheLabelledColumn()
    {
        var oneHot = Classification.OneHot(Tensor.From(2f, 0f, 2f), 4);

        Assert.Equal([3, 4], oneHot.Shape);
        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0 }, oneHot.ToArray());
    }

    [Theory]
    [InlineData(10f, "10")]
    [InlineData(-1f, "-1")]
    [InlineData(1.5f, "1.5")]
    [InlineData(float.NaN, "NaN")]
    public void OneHot_ThrowsNamingTheBadLabelAndItsIndex(float bad, string shown)
    {
        AssertThrowsNaming<ArgumentException>(() => Classification.OneHot(Tensor.From(1f, bad), 10), "OneHot", shown, "index 1", "0..9");
    }

    [Fact]
    public void OneHot_ThrowsForLabelsThatAreNotAVector_OrNoClasses()
    {
        AssertThrowsNaming<ArgumentException>(() => Classification.OneHot(Tensor.Zeros(2, 1), 3), "OneHot", "(2, 1)");
        Assert.Throws<ArgumentOutOfRangeException>(() => Classification.OneHot(Tensor.Zeros(2), 0));
    }

    [Fact]
    public void Accuracy_CountsRowsWhoseLargestOutputIsTheLabel()
    {
        var outputs = Tensor.From(new float[,] { { 0.1f, 0.9f, 0 }, { 2, 1, 0 }, { 0, 0, 3 }, { 1, 1, 0 } });

        // Rows 0 and 2 are right; row 3 ties between classes 0 and 1 and ArgMax takes the first.
        Assert.Equal(0.5, Classification.Accuracy(outputs, Tensor.From(1f, 1f, 2f, 1f)));
        Assert.Equal(0.75, Classification.Accuracy(outputs, Tensor.From(1f, 1f, 2f, 0f)));
    }

    [Fact]
    public void Accuracy_ThrowsForMismatchedShapes_OrALabelOutsideTheClasses()
    {
        AssertThrowsNaming<ArgumentException>(() => Classification.Accuracy(Tensor.Zeros(3, 2), Tensor.Zeros(4)), "Accuracy", "(3, 2)", "(4,)");
        AssertThrowsNaming<ArgumentException>(() => Classification.Accuracy(Tensor.Zeros(3), Tensor.Zeros(3)), "Accuracy", "(3,)");
        AssertThrowsNaming<ArgumentException>(() => Classification.Accuracy(Tensor.Zeros(2, 3), Tensor.From(0f, 3f)), "Accuracy", "label 3", "0..2");
    }

    [Fact]
    public void Evaluate_GoesThroughModelForward_AndScoresItsOutputs()
    {
        var random = new Random(1);
        var model = new Sequential(new Lin(RandomTensor(random, 5, 4), RandomTensor(random, 4)), new Relu(),
            new Lin(RandomTensor(random, 4, 3), RandomTensor(random, 3)));
        var x = RandomTensor(random, 8, 5);
        var labels = Tensor.From(0f, 1f, 2f, 0f, 1f, 2f, 0f, 1f);
        int hookCalls = 0;
        using var hook = model.RegisterForwardHook((_, _, _) => hookCalls++);

        var result = Classification.Evaluate(model, x, labels);

        Assert.Equal(1, hookCalls);
        Assert.Same(model.Out, result.Outputs);
        var expectedOutputs = model.Modules.Aggregate(x.Clone(), (h, m) => m.Forward(h));
        Assert.Equal(expectedOutputs.ToArray(), result.Outputs.ToArray());
        Assert.Equal(Classification.Accuracy(result.Outputs, labels), result.Accuracy);
        var errors = result.Outputs - Classification.OneHot(labels, 3);
        Assert.Equal((errors * errors).Mean().Item(), result.Loss, 1e-7);
    }

    [Fact]
    public void Evaluate_ThrowsWhenLabelsAndInputsDisagree()
    {
        var model = new Sequential(new Lin(2, 3));

        AssertThrowsNaming<ArgumentException>(() => Classification.Evaluate(model, Tensor.Zeros(4, 2), Tensor.Zeros(5)), "Evaluate", "(4, 2)", "(5,)");
        AssertThrowsNaming<ArgumentException>(() => Classification.Evaluate(model, Tensor.Zeros(2, 2), Tensor.From(0f, 7f)), "label 7", "0..2");
    }
}
