using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Tensors read in two places, whose gradient is the sum of the shares from each: a residual block
/// (the input feeds the branch and the skip), one weight in two layers, one layer applied twice, and
/// two backward passes without ZeroGrad. Each against PyTorch 1.13 (Fixtures/shared_grads.json,
/// written by make_fixtures.py) and against double-precision central differences of a forward pass
/// written here on double[].
/// </summary>
public sealed class SharedTensorTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Torch = Fixtures.Load(FixturePath("shared_grads.json"));

    // As in ReferenceTests and GradCheckTests: float32 sums of at most a few dozen terms, in a
    // different order from PyTorch's, against a true gradient in double.
    private const double TorchRtol = 1e-5, TorchAtol = 1e-6, NumericRtol = 1e-4, NumericAtol = 1e-6;

    private static Tensor Leaf(string key) => Torch[key].Clone();

    // ---- the forward passes in double, for central differences ----

    private static double[] Affine(double[] x, double[] w, double[] b)
    {
        int nOut = b.Length, nIn = w.Length / nOut, n = x.Length / nIn;
        var result = new double[n * nOut];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < nOut; j++)
            {
                double sum = b[j];
                for (int k = 0; k < nIn; k++) sum += x[r * nIn + k] * w[k * nOut + j];
                result[r * nOut + j] = sum;
            }
        return result;
    }

    private static double[] Relu(double[] v) => v.Select(a => Math.Max(a, 0)).ToArray();

    private static double MseLoss(double[] prediction, double[] y) => prediction.Zip(y, (p, t) => (p - t) * (p - t)).Average();

    private static double ResidualLoss(IReadOnlyDictionary<string, double[]> p)
    {
        var branch = Affine(Relu(Affine(p["x"], p["w1"], p["b1"])), p["w2"], p["b2"]);
        var sum = p["x"].Zip(branch, (a, b) => a + b).ToArray();
        return MseLoss(Affine(sum, p["w3"], p["b3"]), p["y"]);
    }

    private static double TiedLoss(IReadOnlyDictionary<string, double[]> p) =>
        MseLoss(Affine(Relu(Affine(Relu(Affine(p["x"], p["w"], p["b1"])), p["w"], p["b2"])), p["w3"], p["b3"]), p["y"]);

    private static double SameLayerLoss(IReadOnlyDictionary<string, double[]> p) =>
        MseLoss(Affine(Relu(Affine(Relu(Affine(p["x"], p["w"], p["b"])), p["w"], p["b"])), p["w3"], p["b3"]), p["y"]);

    /// <summary>dL/d(name) by central differences, every other tensor held at its fixture value.</summary>
    private static double[] Numerical(string prefix, string[] names, Func<IReadOnlyDictionary<string, double[]>, double> loss, string name)
    {
        var values = names.Append("y").ToDictionary(k => k, k => ToDoubles(Torch[$"{prefix}/{k}"]));
        return GradCheck.Numerical(v => loss(new Dictionary<string, double[]>(values) { [name] = v }), values[name]);
    }

    /// <summary>Every pre-activation in double stays further than h·|x| from the ReLU's kink, so central differences see no corner.</summary>
    private static void AssertAwayFromKinks(IEnumerable<double[]> preActivations) =>
        Assert.True(preActivations.SelectMany(v => v).Min(Math.Abs) > 1e-4, "a pre-activation sits on the ReLU kink");

    private static void AssertMatchesTorchAndNumerical(Tensor? ours, string prefix, string name, double[] numerical)
    {
        Assert.NotNull(ours);
        AssertClose(ours, Torch[$"{prefix}/{name}.grad"], TorchRtol, TorchAtol, $"{prefix} dL/d{name} against PyTorch");
        AssertClose(ToDoubles(ours), numerical, NumericRtol, NumericAtol, $"{prefix} dL/d{name} against central differences");
    }

    // ---- residual block: x feeds the branch and the skip ----

    private static readonly string[] ResidualNames = ["x", "w1", "b1", "w2", "b2", "w3", "b3"];

    public static TheoryData<string> ResidualTensors() => [.. ResidualNames];

    private sealed record ResidualNet(Sequential Net, Mse Loss, Dictionary<string, Tensor> Tensors)
    {
        public static ResidualNet Make()
        {
            var t = ResidualNames.Append("y").ToDictionary(k => k, k => Leaf($"residual/{k}"));
            var block = new Residual(new Sequential(new Lin(t["w1"], t["b1"]), new Relu(), new Lin(t["w2"], t["b2"])));
            var net = new Sequential(block, new Lin(t["w3"], t["b3"]));
            return new ResidualNet(net, new Mse(), t);
        }

        public float Step(Tensor x, Tensor y)
        {
            float loss = Loss.Forward(Net.Forward(x), y).Item();
            Loss.Backward();
            Net.Backward();
            return loss;
        }
    }

    [Theory]
    [MemberData(nameof(ResidualTensors))]
    public void Residual_GradientsMatchPyTorchAndCentralDifferences(string name)
    {
        var r = ResidualNet.Make();
        var t = r.Tensors;
        AssertAwayFromKinks([Affine(ToDoubles(t["x"]), ToDoubles(t["w1"]), ToDoubles(t["b1"]))]);

        float loss = r.Step(t["x"], t["y"]);

        Assert.Equal(Torch["residual/loss"].Item(), loss, 1e-6f);
        AssertMatchesTorchAndNumerical(t[name].Grad, "residual", name, Numerical("residual", ResidualNames, ResidualLoss, name));
    }

    [Fact]
    public void Residual_BothSharesOfTheInputGradientMatter()
    {
        // Guards the test above: were one share dropped (an overwritten Grad), x.Grad would be off by the other.
        var r = ResidualNet.Make();
        r.Step(r.Tensors["x"], r.Tensors["y"]);
        var skip = ((Residual)r.Net.Modules[0]).Out!.Grad!;
        var branch = r.Tensors["x"].Grad! - skip;

        Assert.True(skip.Abs().Max().Item() > 0.05f, "the skip's share is too small to miss");
        Assert.True(branch.Abs().Max().Item() > 0.05f, "the branch's share is too small to miss");
    }

    [Fact]
    public void Residual_RejectsAnInnerModuleThatChangesTheShape()
    {
        var block = new Residual(new Lin(3, 2));

        AssertThrowsNaming<ArgumentException>(() => block.Forward(Tensor.Ones(4, 3)), "Residual(Lin(3, 2))", "(4, 3)", "(4, 2)");
    }

    // ---- one weight in two layers, and one layer applied twice ----

    private static readonly string[] TiedNames = ["x", "w", "b1", "b2", "w3", "b3"];
    private static readonly string[] SameLayerNames = ["x", "w", "b", "w3", "b3"];

    public static TheoryData<string> TiedTensors() => [.. TiedNames];
    public static TheoryData<string> SameLayerTensors() => [.. SameLayerNames];

    private static (Sequential Net, Dictionary<string, Tensor> Tensors) Tied()
    {
        var t = TiedNames.Append("y").ToDictionary(k => k, k => Leaf($"tied/{k}"));
        var net = new Sequential(new Lin(t["w"], t["b1"]), new Relu(), new Lin(t["w"], t["b2"]), new Relu(), new Lin(t["w3"], t["b3"]));
        return (net, t);
    }

    [Theory]
    [MemberData(nameof(TiedTensors))]
    public void OneWeightInTwoLayers_GradientsMatchPyTorchAndCentralDifferences(string name)
    {
        var (net, t) = Tied();
        var first = Affine(ToDoubles(t["x"]), ToDoubles(t["w"]), ToDoubles(t["b1"]));
        AssertAwayFromKinks([first, Affine(Relu(first), ToDoubles(t["w"]), ToDoubles(t["b2"]))]);
        var mse = new Mse();

        mse.Forward(net.Forward(t["x"]), t["y"]);
        mse.Backward();
        net.Backward();

        AssertMatchesTorchAndNumerical(t[name].Grad, "tied", name, Numerical("tied", TiedNames, TiedLoss, name));
    }

    [Theory]
    [MemberData(nameof(SameLayerTensors))]
    public void OneLayerAppliedTwice_GradientsMatchPyTorchAndCentralDifferences(string name)
    {
        var t = SameLayerNames.Append("y").ToDictionary(k => k, k => Leaf($"same_layer/{k}"));
        var lin = new Lin(t["w"], t["b"]);
        // A Sequential position keeps its own input and output, so the second use is a Lin over the same tensors.
        var net = new Sequential(lin, new Relu(), new Lin(lin.W, lin.B), new Relu(), new Lin(t["w3"], t["b3"]));
        var mse = new Mse();

        mse.Forward(net.Forward(t["x"]), t["y"]);
        mse.Backward();
        net.Backward();

        Assert.Equal([t["w"], t["b"], t["w3"], t["b3"]], net.Parameters());
        AssertMatchesTorchAndNumerical(t[name].Grad, "same_layer", name, Numerical("same_layer", SameLayerNames, SameLayerLoss, name));
    }

    [Fact]
    public void OneWeightInTwoLayers_IsListedAndSteppedOnce()
    {
        var (net, t) = Tied();
        var mse = new Mse();
        mse.Forward(net.Forward(t["x"]), t["y"]);
        mse.Backward();
        net.Backward();
        var expected = t["w"] - t["w"].Grad! * 0.1f;

        Assert.Equal([t["w"], t["b1"], t["b2"], t["w3"], t["b3"]], net.Parameters());
        new Sgd([t["w"], .. net.Parameters(), t["w"]], 0.1f).Step();

        Assert.Equal(expected.ToArray(), t["w"].ToArray());
    }

    // ---- two passes without ZeroGrad ----

    [Fact]
    public void TwoBatchesWithoutZeroGrad_SumLikePyTorch()
    {
        var r = ResidualNet.Make();

        r.Step(r.Tensors["x"], r.Tensors["y"]);
        float second = r.Step(Torch["twice/x2"], Torch["twice/y2"]);

        Assert.Equal(Torch["twice/loss"].Item(), second, 1e-6f);
        foreach (var name in ResidualNames.Skip(1))
            AssertClose(r.Tensors[name].Grad!, Torch[$"twice/{name}.grad"], TorchRtol, TorchAtol, $"dL/d{name} summed over two batches");
    }

    [Fact]
    public void ModuleZeroGrad_NullsParametersButNotTheInput()
    {
        var (net, t) = Tied();
        var mse = new Mse();
        mse.Forward(net.Forward(t["x"]), t["y"]);
        mse.Backward();
        net.Backward();

        net.ZeroGrad();

        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        Assert.NotNull(t["x"].Grad);
    }

    // ---- one forward pass, one backward pass ----

    [Fact]
    public void Backward_TwiceForOneForwardPass_Throws()
    {
        var lin = new Lin(Tensor.Ones(3, 2), Tensor.Ones(2));
        var relu = new Relu();
        var mse = new Mse();
        mse.Forward(lin.Forward(relu.Forward(Tensor.Ones(4, 3))).Sum(1, keepDim: true), Tensor.Zeros(4));
        mse.Backward();
        lin.Out!.Grad = Tensor.Ones(4, 2);
        lin.Backward();
        relu.Backward();

        AssertThrowsNaming<InvalidOperationException>(mse.Backward, "Mse.Backward", "Forward again");
        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Lin(3, 2).Backward", "twice", "Forward again");
        AssertThrowsNaming<InvalidOperationException>(relu.Backward, "Relu.Backward", "Forward again");
    }
}
