using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Chapter 6's loss, MSE over every element of (n, c) outputs against one-hot targets.</summary>
public sealed class OneHotMseTests
{
    [Fact]
    public void Forward_And_Backward_WithKnownNumbers()
    {
        var inp = Tensor.From(new float[,] { { 0.5f, 1f, 0f }, { 2f, 0f, -1f } });
        var targ = Tensor.From(new float[,] { { 0, 1, 0 }, { 1, 0, 0 } });
        var loss = new OneHotMse();

        var value = loss.Forward(inp, targ);
        loss.Backward();

        // Errors 0.5, 0, 0, 1, 0, -1: squares sum to 2.25 over 6 elements; dL/dinp = 2·error/6.
        Assert.Equal(2.25f / 6, value.Item(), 1e-7f);
        Assert.Same(value, loss.Out);
        Assert.Equal([2, 3], inp.Grad!.Shape);
        AssertClose(ToDoubles(inp.Grad), [1.0 / 6, 0, 0, 2.0 / 6, 0, -2.0 / 6], 1e-6, 1e-7, "2 (inp - targ) / (n·c)");
    }

    [Fact]
    public void Backward_MatchesDoublePrecisionCentralDifferences()
    {
        var random = new Random(5);
        var inp = RandomTensor(random, 4, 10);
        var targ = Classification.OneHot(Tensor.From(3f, 0f, 9f, 3f), 10);
        var loss = new OneHotMse();
        loss.Forward(inp, targ);
        loss.Backward();
        double[] t = ToDoubles(targ);

        double[] numerical = GradCheck.Numerical(v => v.Select((x, i) => (x - t[i]) * (x - t[i])).Average(), ToDoubles(inp));

        AssertClose(ToDoubles(inp.Grad!), numerical, 1e-5, 1e-7, "dL/dinp");
    }

    [Fact]
    public void Backward_MatchesFiniteDifferencesOfItsOwnForward()
    {
        var inp = RandomTensor(new Random(6), 3, 5);
        var targ = Classification.OneHot(Tensor.From(4f, 1f, 1f), 5);
        var loss = new OneHotMse();
        loss.Forward(inp, targ);
        loss.Backward();
        var analytic = inp.Grad!;

        var numerical = GradCheck.Numerical(() => loss.Forward(inp, targ).Item(), inp);

        AssertClose(analytic, numerical, 1e-3, 1e-4, "dL/dinp in float32");
    }

    [Fact]
    public void WithOneColumn_AgreesWithMse()
    {
        var random = new Random(7);
        var inp = RandomTensor(random, 6, 1);
        var targ = RandomTensor(random, 6);
        var (oneHot, mse) = (new OneHotMse(), new Mse());

        float ours = oneHot.Forward(inp, targ.Unsqueeze(1)).Item();
        oneHot.Backward();
        var oursGrad = inp.Grad!;
        inp.Grad = null; // gradients add up: without this, Mse would add its gradient onto oursGrad itself
        float theirs = mse.Forward(inp, targ).Item();
        mse.Backward();

        Assert.Equal(theirs, ours, 1e-6f);
        Assert.NotSame(oursGrad, inp.Grad);
        Assert.Equal(inp.Grad!.ToArray(), oursGrad.ToArray());
    }

    [Fact]
    public void Backward_TwiceForOneForward_Throws_AndTwoPassesSum()
    {
        var inp = RandomTensor(new Random(8), 2, 3);
        var targ = Classification.OneHot(Tensor.From(0f, 2f), 3);
        var loss = new OneHotMse();
        loss.Forward(inp, targ);
        loss.Backward();
        var first = inp.Grad!.ToArray();

        AssertThrowsNaming<InvalidOperationException>(loss.Backward, "OneHotMse.Backward", "Forward again");
        loss.Forward(inp, targ);
        loss.Backward();

        Assert.Equal(first.Select(g => 2 * g), inp.Grad!.ToArray());
    }

    [Fact]
    public void Forward_ThrowsNamingBothShapes()
    {
        var loss = new OneHotMse();

        AssertThrowsNaming<ArgumentException>(() => loss.Forward(Tensor.Zeros(4, 10), Tensor.Zeros(4, 9)), "OneHotMse", "(4, 10)", "(4, 9)");
        AssertThrowsNaming<ArgumentException>(() => loss.Forward(Tensor.Zeros(4), Tensor.Zeros(4)), "OneHotMse", "(4,)");
        AssertThrowsNaming<ArgumentException>(() => loss.Forward(Tensor.Zeros(0, 10), Tensor.Zeros(0, 10)), "OneHotMse", "(0, 10)");
    }

    [Fact]
    public void Backward_BeforeForward_Throws()
    {
        AssertThrowsNaming<InvalidOperationException>(() => new OneHotMse().Backward(), "OneHotMse.Backward", "Forward");
    }
}
