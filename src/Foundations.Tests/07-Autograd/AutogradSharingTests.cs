namespace Foundations.Tests;

/// <summary>
/// Gradients handed to leaves never share elements with each other or with the caller's tensors, a
/// leaf read twice gets both shares, and an input that needs no gradient gets none (nor its cost).
/// </summary>
public sealed class AutogradSharingTests
{
    private static Tensor Values(params int[] shape)
    {
        var g = new Generator(7);
        return g.Normal(shape);
    }

    [Fact]
    public void TwoLeavesFedTheSameGradient_GetTheirOwnCopies()
    {
        var a = Values(3, 2).SetRequiresGrad();
        var b = Values(3, 2).SetRequiresGrad();

        a.Add(b).Sum().Backward();
        a.Grad!.AddInPlace(Tensor.Ones(3, 2));

        Assert.Equal(Enumerable.Repeat(2f, 6), a.Grad.ToArray());
        Assert.Equal(Enumerable.Repeat(1f, 6), b.Grad!.ToArray());
    }

    [Fact]
    public void ALeafReadTwice_GetsBothShares_AndTheyStayItsOwn()
    {
        var w = Values(4, 3).SetRequiresGrad();
        var x = Values(2, 4);
        // w is read by two products; the shares are added.
        var loss = x.MatMul(w).Add(x.MatMul(w)).Sum();

        loss.Backward();

        var expected = x.T().MatMul(Tensor.Ones(2, 3)).Mul(Tensor.Scalar(2f));
        Check.TestClose(w.Grad!, expected, what: "dL/dw for w used twice");
    }

    [Fact]
    public void TheRootsGivenGradient_IsNotKeptByALeaf()
    {
        var a = Values(2, 2).SetRequiresGrad();
        var seed = Tensor.Ones(2, 2);

        a.Backward(seed);
        seed.AddInPlace(Tensor.Ones(2, 2));

        Assert.Equal(Enumerable.Repeat(1f, 4), a.Grad!.ToArray());
    }

    [Fact]
    public void TheRootsGivenGradient_IsNotKeptThroughAView()
    {
        var a = Values(2, 3).SetRequiresGrad();
        var seed = Tensor.Ones(3, 2);

        // Reshape's rule passes on a view of the gradient it is given: here the caller's seed.
        a.Reshape(3, 2).Backward(seed);
        seed.AddInPlace(Tensor.Ones(3, 2));

        Assert.Equal(Enumerable.Repeat(1f, 6), a.Grad!.ToArray());
    }

    [Fact]
    public void ALeafKeepsAFreshShare_AndItIsNotTheGraphsTensor()
    {
        var w = Values(4, 3).SetRequiresGrad();
        var x = Values(2, 4);
        var y = x.MatMul(w).Exp();

        y.Sum().Backward();
        var kept = w.Grad!;
        // The share aᵀ @ g was the leaf's alone: no tensor of the forward pass or given by the caller holds it.
        Assert.NotSame(kept.Storage, y.Storage);
        Check.TestClose(kept, x.T().MatMul(y), what: "dL/dw");
        x.MatMul(w).Sum().Backward();
        Assert.Same(kept, w.Grad);
    }

    [Fact]
    public void TheDataOfAProduct_GetsNoGradient_AndTheWeightsGetTheirs()
    {
        var x = Values(5, 4);
        var w = Values(4, 3).SetRequiresGrad();
        var y = x.MatMul(w);

        // The rule itself returns nothing for x: dL/dx would cost a product as large as the forward one.
        var shares = y.GradFn!.Apply(Tensor.Ones(5, 3), retainGraph: true);
        Assert.Null(shares[0]);
        Assert.NotNull(shares[1]);

        y.Sum().Backward();
        Assert.Null(x.Grad);
        Check.TestClose(w.Grad!, x.T().MatMul(Tensor.Ones(5, 3)), what: "dL/dw");
    }

    [Fact]
    public void GradientsAccumulateAcrossTwoBackwardPasses_WithoutAliasing()
    {
        var w = Values(4, 3).SetRequiresGrad();
        var x = Values(2, 4);

        x.MatMul(w).Sum().Backward();
        var first = w.Grad!.Clone();
        x.MatMul(w).Sum().Backward();

        Check.TestClose(w.Grad!, first.Mul(Tensor.Scalar(2f)), what: "two passes add up");
    }

    // ---- gradients kept from one step to the next ----

    private static (Tensor[] Parameters, Func<Tensor> Loss) Classifier(int seed)
    {
        var random = new Generator((ulong)seed);
        var x = random.Normal([16, 12]);
        var labels = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 4)).ToArray());
        Tensor[] parameters = [random.Normal([12, 8]).SetRequiresGrad(), random.Normal([8]).SetRequiresGrad(), random.Normal([8, 4]).SetRequiresGrad(), random.Normal([4]).SetRequiresGrad()];
        var (w1, b1, w2, b2) = (parameters[0], parameters[1], parameters[2], parameters[3]);
        return (parameters, () => Classification.CrossEntropy(x.MatMul(w1).Add(b1).Relu().MatMul(w2).Add(b2), labels));
    }

    [Fact]
    public void ZeroGradNotToNone_KeepsEachGradTensor_AndGivesTheSameStepsAsSetToNone()
    {
        var (fresh, freshLoss) = Classifier(11);
        var (kept, keptLoss) = Classifier(11);
        var (freshSgd, keptSgd) = (new Sgd(fresh, 0.1f), new Sgd(kept, 0.1f));
        Tensor[]? firstGradients = null;

        for (int step = 0; step < 3; step++)
        {
            freshSgd.ZeroGrad();
            freshLoss().Backward();
            using (Autograd.NoGrad()) freshSgd.Step();
            keptSgd.ZeroGrad(setToNone: false);
            keptLoss().Backward();
            using (Autograd.NoGrad()) keptSgd.Step();

            firstGradients ??= kept.Select(p => p.Grad!).ToArray();
            Assert.Equal(firstGradients, kept.Select(p => p.Grad!), ReferenceEqualityComparer.Instance);
            for (int i = 0; i < fresh.Length; i++)
            {
                Assert.Equal(fresh[i].Grad!.ToArray(), kept[i].Grad!.ToArray());
                Assert.Equal(fresh[i].ToArray(), kept[i].ToArray());
            }
        }
    }

    [Fact]
    public void AGradReadEarlier_IsLeftAlone_ByZeroGradAndTheNextPass()
    {
        var (parameters, loss) = Classifier(12);
        var sgd = new Sgd(parameters, 0.1f);
        loss().Backward();
        var first = parameters[0].Grad!;
        var values = first.ToArray();

        sgd.ZeroGrad();
        loss().Mul(Tensor.Scalar(3f)).Backward();

        Assert.NotSame(first, parameters[0].Grad);
        Assert.Equal(values, first.ToArray());
    }

    [Fact]
    public void AGradReadEarlier_IsTheTensorThatZeroGradNotToNoneClearsAndTheNextPassFills()
    {
        var (parameters, loss) = Classifier(12);
        var sgd = new Sgd(parameters, 0.1f);
        loss().Backward();
        var first = parameters[0].Grad!;
        var values = first.ToArray();

        sgd.ZeroGrad(setToNone: false);
        loss().Mul(Tensor.Scalar(3f)).Backward();

        // As PyTorch's zero_grad(set_to_none=False): the same tensor, now holding this pass's gradient.
        Assert.Same(first, parameters[0].Grad);
        Check.TestClose(first, Tensor.FromArray(values, 12, 8).Mul(Tensor.Scalar(3f)), what: "dL/dW1 of the second pass");
    }

    [Fact]
    public void AGradThatIsAView_StillGetsTheShareAdded()
    {
        var w = Values(4, 3).SetRequiresGrad();
        var x = Values(2, 4);
        w.Grad = Tensor.Ones(3, 4).T();                     // not contiguous: the product cannot add into it itself

        x.MatMul(w).Sum().Backward();

        Check.TestClose(w.Grad!, x.T().MatMul(Tensor.Ones(2, 3)).Add(Tensor.Ones(4, 3)), what: "1 + dL/dw");
    }
}
