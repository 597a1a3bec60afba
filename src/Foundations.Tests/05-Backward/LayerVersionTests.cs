using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Backward needs the input and the parameters as Forward saw them. After an optimiser step (or any
/// in-place write) it must refuse, as PyTorch's autograd does, instead of giving stale gradients.
/// </summary>
public sealed class LayerVersionTests
{
    private static (Lin Lin, Tensor X) ForwardBackward()
    {
        Tensor.ManualSeed(1);
        var lin = new Lin(784, 50);
        var x = Tensor.Randn(4, 784);
        var y = lin.Forward(x);
        y.Grad = Tensor.Ones(4, 50);
        lin.Backward();
        return (lin, x);
    }

    [Fact]
    public void Backward_AfterSgdStep_ThrowsNamingTheLayerAndTheParameter()
    {
        var (lin, _) = ForwardBackward();
        new Sgd(lin.Parameters(), 0.1f).Step();

        AssertThrowsNaming<InvalidOperationException>(lin.Backward,
            "Lin(784, 50).Backward: W was modified in place after the forward pass", "Sgd.Step", "run Forward again");
    }

    [Fact]
    public void Backward_AfterTheBiasIsFilled_NamesTheBias()
    {
        var (lin, _) = ForwardBackward();
        lin.B.Fill(1f);

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Lin(784, 50).Backward", "B was modified");
    }

    [Fact]
    public void Backward_AfterTheInputIsModified_Throws()
    {
        var (lin, x) = ForwardBackward();
        x[0, 0] = 3f;

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Lin(784, 50).Backward", "input was modified");
    }

    [Fact]
    public void Backward_AfterAWriteThroughAViewOfAParameter_Throws()
    {
        var (lin, _) = ForwardBackward();
        lin.W.T()[3].Fill(0f);

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "W was modified");
    }

    [Fact]
    public void Backward_AfterAFreshForward_WorksAgain()
    {
        var (lin, x) = ForwardBackward();
        new Sgd(lin.Parameters(), 0.1f).Step();

        var y = lin.Forward(x);
        y.Grad = Tensor.Ones(4, 50);
        lin.Backward();

        Assert.NotNull(lin.W.Grad);
    }

    [Fact]
    public void Backward_CalledTwiceWithoutWrites_IsRefusedBecauseGradientsAddUp()
    {
        var (lin, _) = ForwardBackward();
        var first = lin.W.Grad!.Clone();

        AssertThrowsNaming<InvalidOperationException>(lin.Backward, "Backward", "already been through Backward", "run Forward again");
        Assert.Equal(first.ToArray(), lin.W.Grad!.ToArray());
    }

    [Fact]
    public void Sequential_Backward_AfterSgdStep_NamesTheInnerLayersParameter()
    {
        Tensor.ManualSeed(2);
        var model = new Sequential(new Lin(3, 4), new Relu(), new Lin(4, 1));
        var loss = new Mse();
        var x = Tensor.Randn(5, 3);
        loss.Forward(model.Forward(x), Tensor.Randn(5));
        loss.Backward();
        model.Backward();
        new Sgd(model.Parameters(), 0.1f).Step();

        // The version check comes before the once-only check, so the message names the real cause.
        AssertThrowsNaming<InvalidOperationException>(model.Backward, "Backward", "Lin(3, 4)'s W was modified", "run Forward again");
    }

    [Fact]
    public void Training_RunsManySteps()
    {
        Tensor.ManualSeed(3);
        var model = new Sequential(new Lin(3, 4), new Relu(), new Lin(4, 1));
        var loss = new Mse();
        var sgd = new Sgd(model.Parameters(), 0.01f);
        var x = Tensor.Randn(5, 3);
        var y = Tensor.Randn(5);
        for (int step = 0; step < 5; step++)
        {
            loss.Forward(model.Forward(x), y);
            loss.Backward();
            model.Backward();
            sgd.Step();
        }
    }
}
