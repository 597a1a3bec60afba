using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Softmax, log-softmax and cross-entropy: stability for large logits, the analytic gradient
/// softmax − one_hot against autograd's, and a small classifier against PyTorch's autograd.
/// </summary>
public sealed class CrossEntropyTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Torch = Fixtures.Load(FixturePath("autograd_mlp.json"));

    // Sums over at most 16 rows and 8 hidden units, in float32 on both sides: a few ulps apart;
    // exp and log come from different math libraries, within an ulp or two.
    private const double Rtol = 1e-5, Atol = 1e-6;

    [Fact]
    public void NaiveSoftmax_OverflowsAtLogitsOf100_WhileLogSoftmaxStaysFinite()
    {
        var logits = Tensor.From(new float[,] { { 100f, 99f, 90f }, { 1000f, 0f, -1000f } });

        var exp = logits.Exp();
        var naive = exp.Div(exp.Sum(1, keepDim: true));
        var logSoftmax = logits.LogSoftmax(1);
        var softmax = logits.Softmax(1);

        Assert.Contains(naive.ToArray(), float.IsNaN);
        Assert.All(logSoftmax.ToArray(), v => Assert.False(float.IsNaN(v) || float.IsPositiveInfinity(v)));
        AssertClose(softmax.Sum(1), Tensor.Ones(2), 1e-6, 1e-6, "rows of softmax sum to 1");
        // log softmax(x) = log softmax(x - c): the first row is the same as for logits (10, 9, 0).
        AssertClose(logSoftmax[0], Tensor.From(10f, 9f, 0f).LogSoftmax(0), 1e-6, 1e-6, "shifted row");
        Assert.Equal(-1000f, logSoftmax[1, 1]);
    }

    [Fact]
    public void LogSumExp_OfARowOfMinusInfinity_IsMinusInfinity()
    {
        var x = Tensor.From(float.NegativeInfinity, float.NegativeInfinity);

        Assert.Equal(float.NegativeInfinity, x.LogSumExp(0).Item());
    }

    [Fact]
    public void LogSumExp_DropsTheDimension_UnlessKeepDim()
    {
        var x = Tensor.Ones(2, 3, 4);

        Assert.Equal([2, 4], x.LogSumExp(1).Shape);
        Assert.Equal([2, 1, 4], x.LogSumExp(-2, keepDim: true).Shape);
        Assert.Equal(0, Tensor.Ones(3).LogSumExp(0).Rank);
    }

    [Fact]
    public void CrossEntropyGradient_ByHand_MatchesAutograd()
    {
        var g = new Generator(11);
        var logits = (g.Normal([6, 5]) * 3f).SetRequiresGrad();
        var labels = Tensor.From(0f, 4f, 2f, 2f, 1f, 3f);

        Classification.CrossEntropy(logits, labels).Backward();
        var byHand = Classification.CrossEntropyGradient(logits, labels);

        Assert.False(byHand.RequiresGrad);
        AssertClose(logits.Grad!, byHand, 1e-5, 1e-7, "softmax - one_hot, over n");
    }

    [Fact]
    public void CrossEntropy_OfLargeLogits_IsFiniteWithAFiniteGradient()
    {
        var logits = Tensor.From(new float[,] { { 1000f, 0f }, { 0f, 1000f } }).SetRequiresGrad();

        var loss = Classification.CrossEntropy(logits, Tensor.From(1f, 1f));
        loss.Backward();

        Assert.Equal(500f, loss.Item());
        AssertClose(logits.Grad!, Tensor.From(new float[,] { { 0.5f, -0.5f }, { 0f, 0f } }), 0, 1e-7, "gradient");
    }

    [Fact]
    public void CrossEntropy_RefusesLabelsThatAreNotClasses()
    {
        var logits = Tensor.Ones(2, 3);

        AssertThrowsNaming<ArgumentException>(() => Classification.CrossEntropy(logits, Tensor.From(0f, 3f)), "Classification.CrossEntropy", "label 3", "0..2");
        AssertThrowsNaming<ArgumentException>(() => Classification.CrossEntropyGradient(logits, Tensor.From(0.5f, 1f)), "Classification.CrossEntropyGradient", "label 0.5");
    }

    [Fact]
    public void CrossEntropy_RefusesMismatchedShapes_NamingBoth()
    {
        AssertThrowsNaming<ArgumentException>(() => Classification.CrossEntropy(Tensor.Ones(2, 3), Tensor.From(0f, 1f, 2f)), "Classification.CrossEntropy", "(2, 3)", "(3,)");
        AssertThrowsNaming<ArgumentException>(() => Classification.CrossEntropy(Tensor.Ones(3), Tensor.From(0f)), "Classification.CrossEntropy", "(3,)", "(1,)");
    }

    [Fact]
    public void Classifier_ForwardAndLoss_MatchPyTorch()
    {
        var (logits, loss, _) = Classifier();

        AssertClose(logits, Torch["logits"], Rtol, Atol, "logits");
        AssertClose(logits.LogSoftmax(1), Torch["log_softmax"], Rtol, Atol, "log_softmax");
        AssertClose(loss, Torch["loss"], Rtol, Atol, "loss");
    }

    public static TheoryData<string> Leaves() => ["x", "w1", "b1", "w2", "b2"];

    [Theory]
    [MemberData(nameof(Leaves))]
    public void Classifier_Backward_MatchesPyTorchGradient(string name)
    {
        var (_, loss, leaves) = Classifier();

        loss.Backward();

        Assert.True(Torch[name + ".grad"].Abs().Max().Item() > 1e-4f, $"{name}.grad is (almost) all zero in the fixture");
        AssertClose(leaves[name].Grad!, Torch[name + ".grad"], Rtol, Atol, name + ".grad");
    }

    private static (Tensor Logits, Tensor Loss, Dictionary<string, Tensor> Leaves) Classifier()
    {
        var leaves = new[] { "x", "w1", "b1", "w2", "b2" }.ToDictionary(k => k, k => Torch[k].Clone().SetRequiresGrad());
        var hidden = leaves["x"].MatMul(leaves["w1"]).Add(leaves["b1"]).Relu();
        var logits = hidden.MatMul(leaves["w2"]).Add(leaves["b2"]);
        return (logits, Classification.CrossEntropy(logits, Torch["labels"]), leaves);
    }
}
