using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>The layers' forward passes against plain arithmetic, and how Module, Sequential and Sgd fit together.</summary>
public sealed class LayerTests
{
    private static (Tensor W, Tensor B) Parameters(int seed, int nIn, int nOut)
    {
        var random = new Random(seed);
        return (RandomTensor(random, nIn, nOut), RandomTensor(random, nOut));
    }

    [Fact]
    public void Lin_Forward_IsInputTimesWeightsPlusBias()
    {
        var (w, b) = Parameters(1, 5, 3);
        var x = RandomTensor(new Random(2), 4, 5);
        var lin = new Lin(w, b);

        var output = lin.Forward(x);

        var product = ReferenceMatMul(x, w);
        var expected = Enumerable.Range(0, 12).Select(i => product[i] + b.GetValue(i % 3)).ToArray();
        AssertClose(ToDoubles(output), expected, 1e-6, 1e-6, "x @ W + b");
        Assert.Same(x, lin.Inp);
        Assert.Same(output, lin.Out);
    }

    [Fact]
    public void Lin_Backward_WithKnownNumbers()
    {
        var lin = new Lin(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }), Tensor.From(0.5f, -0.5f));
        var x = Tensor.From(new float[,] { { 1, 0, -1 }, { 2, 1, 0 } });
        lin.Forward(x);
        lin.Out!.Grad = Tensor.From(new float[,] { { 1, -1 }, { 0, 2 } });

        lin.Backward();

        // dx = dout @ Wᵀ, dW = xᵀ @ dout, dB = column sums of dout.
        Assert.Equal(new float[] { -1, -1, -1, 4, 8, 12 }, x.Grad!.ToArray());
        Assert.Equal(new float[] { 1, 3, 0, 2, -1, 1 }, lin.W.Grad!.ToArray());
        Assert.Equal(new float[] { 1, 1 }, lin.B.Grad!.ToArray());
    }

    [Fact]
    public void Relu_Forward_ZeroesNegativesOnly()
    {
        var x = Tensor.From(-2f, -0f, 0.5f, 3f);

        var output = new Relu().Forward(x);

        Assert.Equal(new float[] { 0, 0, 0.5f, 3 }, output.ToArray());
        Assert.Equal(-2f, x.GetValue(0));
    }

    [Fact]
    public void Relu_Backward_PassesTheGradientWhereTheInputWasPositive()
    {
        var relu = new Relu();
        var x = Tensor.From(new float[,] { { -1, 2 }, { 3, 0 } });
        relu.Forward(x);
        relu.Out!.Grad = Tensor.From(new float[,] { { 5, 6 }, { 7, 8 } });

        relu.Backward();

        // At exactly 0 the gradient is 0, as PyTorch's relu gives.
        Assert.Equal(new float[] { 0, 6, 7, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Relu_Backward_AClosedGateGivesZero_EvenForANonFiniteGradient()
    {
        var relu = new Relu();
        var x = Tensor.From(-1f, 0f, float.NaN, 2f);
        relu.Forward(x);
        relu.Out!.Grad = Tensor.From(float.PositiveInfinity, float.NaN, 1f, float.NegativeInfinity);

        relu.Backward();

        // The gradient is selected where the gate is open, not multiplied by the gate: 0·∞ would be NaN.
        Assert.Equal(new float[] { 0, 0, 0, float.NegativeInfinity }, x.Grad!.ToArray());
    }

    [Fact]
    public void Mse_ForwardAndBackward_WithKnownNumbers()
    {
        var mse = new Mse();
        var inp = Tensor.From(new float[,] { { 1 }, { 2 }, { 4 } });
        var targ = Tensor.From(0f, 2f, 1f);

        var loss = mse.Forward(inp, targ);
        mse.Backward();

        Assert.Equal(10f / 3, loss.Item(), 1e-6f);
        Assert.Equal([3, 1], inp.Grad!.Shape);
        AssertClose(ToDoubles(inp.Grad), [2.0 / 3, 0, 2], 1e-6, 1e-7, "2 (inp - targ) / n");
    }

    [Fact]
    public void Sequential_MatchesTheModelForwardAndBackward()
    {
        var (w1, b1) = Parameters(5, 6, 4);
        var (w2, b2) = Parameters(6, 4, 1);
        var x = RandomTensor(new Random(7), 10, 6);
        var y = RandomTensor(new Random(8), 10);
        var model = new TwoLayerModel(w1.Clone(), b1.Clone(), w2.Clone(), b2.Clone());
        var lin1 = new Lin(w1.Clone(), b1.Clone());
        var lin2 = new Lin(w2.Clone(), b2.Clone());
        var sequential = new Sequential(lin1, new Relu(), lin2);
        var mse = new Mse();
        var x2 = x.Clone();

        var modelLoss = model.Forward(x, y);
        model.Backward();
        var loss = mse.Forward(sequential.Forward(x2), y);
        mse.Backward();
        sequential.Backward();

        Assert.Equal(modelLoss.Item(), loss.Item());
        Assert.Equal(x.Grad!.ToArray(), x2.Grad!.ToArray());
        Assert.Equal(((Lin)model.Layers[0]).W.Grad!.ToArray(), lin1.W.Grad!.ToArray());
        Assert.Equal(((Lin)model.Layers[2]).B.Grad!.ToArray(), lin2.B.Grad!.ToArray());
        Assert.Equal([lin1.W, lin1.B, lin2.W, lin2.B], sequential.Parameters());
        Assert.Equal("Sequential(Lin(6, 4), Relu, Lin(4, 1))", sequential.Name);
    }

    [Fact]
    public void Sgd_Step_SubtractsLearningRateTimesGradient()
    {
        var p = Tensor.From(1f, 2f);
        p.Grad = Tensor.From(10f, -10f);
        var sgd = new Sgd([p], 0.5f);

        sgd.Step();

        Assert.Equal(new float[] { -4, 7 }, p.ToArray());
    }

    [Fact]
    public void Sgd_ZeroGrad_ForgetsTheGradients()
    {
        var p = Tensor.From(1f);
        p.Grad = Tensor.From(1f);
        var sgd = new Sgd([p], 0.1f);

        sgd.ZeroGrad();

        Assert.Null(p.Grad);
        Assert.Throws<InvalidOperationException>(sgd.Step);
    }

    [Fact]
    public void Sgd_ZeroGradNotToNone_ZeroesTheSameTensorsInPlace()
    {
        var p = Tensor.From(1f, 2f);
        var untouched = Tensor.From(3f);
        var gradient = Tensor.From(5f, 6f);
        p.Grad = gradient;
        var sgd = new Sgd([p, untouched], 0.1f);

        sgd.ZeroGrad(setToNone: false);

        Assert.Same(gradient, p.Grad);
        Assert.Equal(new float[] { 0, 0 }, gradient.ToArray());
        Assert.Null(untouched.Grad);
    }

    [Fact]
    public void Training_ReducesTheLossOnALearnableProblem()
    {
        // y = 2·x0 - x1 + 0.5: a model that can represent it should drive the loss down.
        var random = new Random(13);
        var x = RandomTensor(random, 64, 2);
        var y = x[.., 0] * 2f - x[.., 1] + 0.5f;
        var (w1, b1) = Parameters(14, 2, 16);
        var (w2, b2) = Parameters(15, 16, 1);
        var model = new TwoLayerModel(w1 * 0.5f, b1 * 0.5f, w2 * 0.25f, b2);
        var sgd = new Sgd(model.Layers.SelectMany(l => l.Parameters()), 0.05f);

        float first = model.Forward(x, y).Item();
        for (int step = 0; step < 300; step++)
        {
            model.Forward(x, y);
            model.Backward();
            sgd.Step();
            sgd.ZeroGrad();
        }
        float last = model.Forward(x, y).Item();

        Assert.True(last < first / 10, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Module_NameAndToString()
    {
        Assert.Equal("Lin(3, 2)", new Lin(Tensor.Ones(3, 2), Tensor.Ones(2)).ToString());
        Assert.Equal("Relu", new Relu().Name);
    }
}
