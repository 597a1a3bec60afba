using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// The autograd graph and its backward pass: what is recorded (and when not), gradients that add up
/// over shared tensors and repeated passes, the errors PyTorch gives, and chapter 5's model built from
/// recorded operations against the hand-written layers.
/// </summary>
public sealed class AutogradTests
{
    [Fact]
    public void Operation_RecordsItsNameAndInputs_WhenAnInputRequiresGrad()
    {
        var x = Tensor.Ones(2, 3);
        var w = Tensor.Ones(3, 4).SetRequiresGrad();

        var y = x.MatMul(w);

        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        Assert.Equal("MatMul", y.GradFn!.Name);
        Assert.Same(x, y.GradFn.Inputs[0]);
        Assert.Same(w, y.GradFn.Inputs[1]);
        Assert.Equal("MatMulBackward", y.GradFn.ToString());
    }

    [Fact]
    public void Operation_KeepsNoGraph_WhenNothingRequiresGrad()
    {
        var y = Tensor.Ones(2, 3).Mul(Tensor.Ones(3));

        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.True(y.IsLeaf);
    }

    [Fact]
    public void NoGrad_KeepsNoGraph_AndRestoresRecordingWhenDisposed()
    {
        var w = Tensor.Ones(3).SetRequiresGrad();
        Assert.True(Autograd.IsEnabled);

        using (Autograd.NoGrad())
        {
            using (Autograd.NoGrad()) Assert.False(Autograd.IsEnabled);
            Assert.False(Autograd.IsEnabled);
            var y = w.Mul(w);
            Assert.Null(y.GradFn);
            Assert.False(y.RequiresGrad);
        }

        Assert.True(Autograd.IsEnabled);
        Assert.NotNull(w.Mul(w).GradFn);
    }

    [Fact]
    public void NoGrad_DoesNotSwitchOffRecordingOnAThreadStartedOutsideIt()
    {
        using var entered = new ManualResetEventSlim();
        bool enabledThere = false;
        var thread = new Thread(() => { entered.Wait(); enabledThere = Autograd.IsEnabled; });
        thread.Start();

        using (Autograd.NoGrad())
        {
            entered.Set();
            thread.Join();
        }

        Assert.True(enabledThere);
    }

    [Fact]
    public void Backward_OfAScalarLoss_GivesEveryLeafItsGradient()
    {
        var x = Tensor.From(1f, 2f, 3f).SetRequiresGrad();
        var w = Tensor.From(0.5f, -1f, 2f).SetRequiresGrad();

        x.Mul(w).Sum().Backward();

        AssertClose(x.Grad!, w, 0, 0, "dL/dx = w");
        AssertClose(w.Grad!, x, 0, 0, "dL/dw = x");
    }

    [Fact]
    public void Backward_AddsUpTheSharesOfATensorUsedTwice()
    {
        var x = Tensor.From(1f, -2f, 3f).SetRequiresGrad();

        // L = Σ (x·x + x): dL/dx = 2x + 1, one share from each use of x in the product and one from the sum.
        x.Mul(x).Add(x).Sum().Backward();

        AssertClose(x.Grad!, Tensor.From(3f, -3f, 7f), 0, 0, "2x + 1");
    }

    [Fact]
    public void Backward_ThroughADiamond_CallsEachNodeOnceAndAddsBothPaths()
    {
        var x = Tensor.From(0.5f, -1f).SetRequiresGrad();

        // a = eˣ feeds two branches; L = Σ (a + a²), so dL/dx = (1 + 2a) · a. Each node is applied once:
        // a second application of Exp's rule would find its saved tensors freed and throw.
        var a = x.Exp();
        a.Add(a.Pow(2f)).Sum().Backward();

        var e = x.ToArray().Select(MathF.Exp).ToArray();
        AssertClose(x.Grad!, Tensor.From(e.Select(v => (1 + 2 * v) * v).ToArray()), 1e-6, 1e-6, "(1 + 2a)·a");
    }

    [Fact]
    public void Backward_ThroughAResidualBlock_MatchesTheChainRuleWorkedByHand()
    {
        var g = new Generator(3);
        var x = g.Normal([5, 4]);
        var w = g.Normal([4, 4]) * 0.5f;
        var b = g.Normal([4]) * 0.5f;
        var xa = x.Clone().SetRequiresGrad();
        var wa = w.Clone().SetRequiresGrad();
        var ba = b.Clone().SetRequiresGrad();

        // out = x + relu(x @ w + b); L = Σ out ⊙ R.
        var outA = xa.Add(xa.MatMul(wa).Add(ba).Relu());
        var r = g.Normal([5, 4]);
        outA.Backward(r);

        var expectedX = r.Add(r.Mul(x.MatMul(w).Add(b).Gt(Tensor.Scalar(0f))).MatMul(w.T()));
        AssertClose(xa.Grad!, expectedX, 1e-5, 1e-6, "dL/dx = R + (R ⊙ gate) @ wᵀ");
    }

    [Fact]
    public void Backward_Twice_AddsToGrad()
    {
        var w = Tensor.From(1f, 2f).SetRequiresGrad();

        w.Mul(w).Sum().Backward();
        w.Mul(w).Sum().Backward();

        AssertClose(w.Grad!, Tensor.From(4f, 8f), 0, 0, "2 · 2w");
    }

    [Fact]
    public void Backward_WithRetainGraph_CanRunAgainAndAddsAgain()
    {
        var w = Tensor.From(1f, 2f).SetRequiresGrad();
        var loss = w.Mul(w).Sum();

        loss.Backward(retainGraph: true);
        Assert.True(loss.GradFn!.IsRetained);
        loss.Backward();

        Assert.False(loss.GradFn.IsRetained);
        AssertClose(w.Grad!, Tensor.From(4f, 8f), 0, 0, "2 · 2w");
    }

    [Fact]
    public void Backward_ThroughAFreedGraph_ThrowsSecondTime()
    {
        var w = Tensor.From(1f, 2f).SetRequiresGrad();
        var loss = w.Mul(w).Sum();
        loss.Backward();

        AssertThrowsNaming<InvalidOperationException>(() => loss.Backward(), "Backward", "a second time", "retainGraph: true");
    }

    [Fact]
    public void Backward_OnANonScalarWithoutGradient_Throws()
    {
        var y = Tensor.Ones(2, 3).SetRequiresGrad().Mul(Tensor.Ones(3));

        AssertThrowsNaming<InvalidOperationException>(() => y.Backward(), "Backward", "grad can be implicitly created only for scalar outputs", "(2, 3)");
    }

    [Fact]
    public void Backward_WithAGradientOfTheWrongShape_Throws()
    {
        var y = Tensor.Ones(2, 3).SetRequiresGrad().Mul(Tensor.Ones(3));

        AssertThrowsNaming<ArgumentException>(() => y.Backward(Tensor.Ones(3)), "Backward", "(3,)", "(2, 3)");
    }

    [Fact]
    public void Backward_OnATensorThatDoesNotRequireGrad_Throws()
    {
        var y = Tensor.Ones(3).Mul(Tensor.Ones(3)).Sum();

        AssertThrowsNaming<InvalidOperationException>(() => y.Backward(), "Backward", "does not require grad");
    }

    [Fact]
    public void Backward_AfterASavedInputWasWrittenInPlace_Throws()
    {
        var w = Tensor.From(1f, 2f).SetRequiresGrad();
        var x = Tensor.From(3f, 4f);
        var loss = w.Mul(x).Sum();

        x.Fill(0f);

        AssertThrowsNaming<InvalidOperationException>(() => loss.Backward(), "Backward", "modified by an in-place operation", "Mul", "version");
    }

    [Fact]
    public void Backward_AfterASavedOutputWasWrittenInPlace_Throws()
    {
        var x = Tensor.From(1f, 2f).SetRequiresGrad();
        var e = x.Exp();
        var loss = e.Sum();

        e.AddInPlace(Tensor.Ones(2));

        AssertThrowsNaming<InvalidOperationException>(() => loss.Backward(), "Exp", "modified by an in-place operation");
    }

    [Fact]
    public void Backward_OnALeaf_AddsTheGradientToItsGrad()
    {
        var x = Tensor.From(1f, 2f).SetRequiresGrad();

        x.Backward(Tensor.From(3f, 4f));

        AssertClose(x.Grad!, Tensor.From(3f, 4f), 0, 0, "x.Grad");
    }

    [Fact]
    public void Backward_ThroughAChainOf100000Operations_DoesNotOverflowTheStack()
    {
        var x = Tensor.From(1f).SetRequiresGrad();
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y.Add(Tensor.From(0f));

        y.Sum().Backward();

        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void Operations_RefuseBadShapes_NamingTheOperationAndBothShapes()
    {
        var a = Tensor.Ones(2, 3).SetRequiresGrad();

        AssertThrowsNaming<ArgumentException>(() => a.Add(Tensor.Ones(4)), "Add", "(2, 3)", "(4,)");
        AssertThrowsNaming<ArgumentException>(() => a.Mul(Tensor.Ones(3, 2)), "Mul", "(2, 3)", "(3, 2)");
        AssertThrowsNaming<ArgumentException>(() => a.MatMul(Tensor.Ones(2, 3)), "MatMul", "(2, 3)");
        AssertThrowsNaming<ArgumentOutOfRangeException>(() => a.Sum(2), "Sum", "(2, 3)");
        AssertThrowsNaming<ArgumentNullException>(() => a.Add(null!), "Add", "other");
    }

    [Fact]
    public void RequiresGrad_CannotBeChangedOnANonLeaf()
    {
        var y = Tensor.Ones(2).SetRequiresGrad().Exp();

        AssertThrowsNaming<InvalidOperationException>(() => y.RequiresGrad = false, "RequiresGrad", "leaf", "Exp");
    }

    [Fact]
    public void GradientOfAnInputThatDoesNotRequireGrad_StaysNull()
    {
        var w = Tensor.Ones(3).SetRequiresGrad();
        var x = Tensor.From(1f, 2f, 3f);

        w.Mul(x).Sum().Backward();

        Assert.Null(x.Grad);
        Assert.NotNull(w.Grad);
    }

    [Fact]
    public void Operators_Record_WhenAnInputRequiresGrad()
    {
        var w = Tensor.Ones(3).SetRequiresGrad();

        var y = w * w + w;

        Assert.Equal("Add", y.GradFn!.Name);
        Assert.Equal("Mul", y.GradFn.Inputs[0].GradFn!.Name);
        Assert.True(y.RequiresGrad);
    }

    [Fact]
    public void Operators_RecordNothing_WhenNoInputRequiresGrad_OrInsideNoGrad()
    {
        var x = Tensor.Ones(3);
        var w = Tensor.Ones(3).SetRequiresGrad();

        var plain = (x * x + x).Relu().Sum();
        Tensor inside;
        using (Autograd.NoGrad()) inside = (w * w + w).Relu().Sum();

        Assert.Null(plain.GradFn);
        Assert.False(plain.RequiresGrad);
        Assert.Null(inside.GradFn);
        Assert.False(inside.RequiresGrad);
    }

    [Fact]
    public void Backward_RecordsNoGraph_SoItsGradientsCannotBeDifferentiatedAgain()
    {
        var w = Tensor.From(1f, 2f).SetRequiresGrad();

        w.Pow(3f).Sum().Backward();

        Assert.False(w.Grad!.RequiresGrad);
        Assert.Null(w.Grad.GradFn);
    }

    [Fact]
    public void LinReluLinMse_FromRecordedOperations_MatchesTheHandWrittenLayers()
    {
        var g = new Generator(5);
        int n = 16, nIn = 7, nh = 9;
        var x = g.Normal([n, nIn]);
        var y = g.Normal([n]);
        var w1 = g.Normal([nIn, nh]) * (1f / MathF.Sqrt(nIn));
        var b1 = g.Normal([nh]) * 0.5f;
        var w2 = g.Normal([nh, 1]) * (1f / MathF.Sqrt(nh));
        var b2 = Tensor.From(0.3f);

        var model = new TwoLayerModel(w1.Clone(), b1.Clone(), w2.Clone(), b2.Clone());
        var xModel = x.Clone();
        var lossModel = model.Forward(xModel, y);
        model.Backward();

        var leaves = new[] { x, w1, b1, w2, b2 }.Select(t => t.Clone().SetRequiresGrad()).ToArray();
        var hidden = leaves[0].MatMul(leaves[1]).Add(leaves[2]).Relu();
        var output = hidden.MatMul(leaves[3]).Add(leaves[4]);
        var loss = output.Reshape(n).Sub(y).Pow(2f).Mean();
        loss.Backward();

        AssertClose(loss, lossModel, 1e-5, 1e-6, "loss");
        var handWritten = new[] { xModel }.Concat(model.Parameters()).ToArray();
        string[] names = ["x", "w1", "b1", "w2", "b2"];
        for (int i = 0; i < leaves.Length; i++)
            AssertClose(leaves[i].Grad!, handWritten[i].Grad!, 1e-5, 1e-6, names[i] + ".Grad");
    }
}
