namespace Foundations;

/// <summary>
/// Mean squared error over every element of (n, c) predictions and (n, c) targets, PyTorch's
/// <c>F.mse_loss</c>: chapter 6's loss for a classifier with one output per class and one-hot targets
/// (<see cref="Classification.OneHot"/>).
/// </summary>
public sealed class OneHotMse : Loss
{
    protected override void CheckShapes(Tensor inp, Tensor targ)
    {
        if (inp.Rank != 2 || !inp.Shape.AsSpan().SequenceEqual(targ.Shape) || inp.Count == 0)
            throw new ArgumentException($"OneHotMse: expects predictions and targets of the same shape (n, c) with n, c > 0, got {inp.ShapeString} and {targ.ShapeString}.");
    }

    /// <summary>L = mean((inp - targ)²) over all n·c elements, a 0-d tensor.</summary>
    protected override Tensor Compute(Tensor inp, Tensor targ)
    {
        var errors = inp - targ;
        return (errors * errors).Mean();
    }

    /// <summary>dL/dinp += 2 (inp - targ) / (n·c).</summary>
    protected override void ComputeGradient(Tensor inp, Tensor targ)
    {
        inp.AccumulateGrad((inp - targ) * (2f / inp.Count));
    }
}
