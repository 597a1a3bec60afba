namespace Foundations;

/// <summary>
/// Mean squared error over every element of (n, c) predictions and (n, c) targets, PyTorch's
/// <c>F.mse_loss</c>: chapter 6's loss for a classifier with one output per class and one-hot targets
/// (<see cref="Classification.OneHot"/>).
/// </summary>
public sealed class OneHotMse : Loss
{
    private Tensor? squaredErrors;
    private readonly GradientSlot inputGradient = new();

    protected override void CheckShapes(Tensor inp, Tensor targ)
    {
        if (inp.Rank != 2 || !inp.Shape.AsSpan().SequenceEqual(targ.Shape) || inp.Count == 0)
            throw new ArgumentException($"OneHotMse: expects predictions and targets of the same shape (n, c) with n, c > 0, got {inp.ShapeString} and {targ.ShapeString}.");
    }

    /// <summary>L = mean((inp - targ)²) over all n·c elements, a 0-d tensor.</summary>
    protected override Tensor Compute(Tensor inp, Tensor targ)
    {
        var squares = inp.SubInto(targ, squaredErrors = Tensor.Reusable(squaredErrors, inp.shape, ReuseBuffers));
        return squares.MulInto(squares, squares).Mean();
    }

    /// <summary>dL/dinp += 2 (inp - targ) / (n·c).</summary>
    protected override void ComputeGradient(Tensor inp, Tensor targ)
    {
        var share = inputGradient.Destination(inp, ReuseBuffers);
        inp.SubInto(targ, share);
        GradientSlot.Accumulate(inp, share.MulInto(Tensor.Scalar(2f / inp.Count), share));
    }
}
