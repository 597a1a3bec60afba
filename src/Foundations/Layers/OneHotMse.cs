namespace Foundations;

/// <summary>
/// Mean squared error over every element of (n, c) predictions and (n, c) targets, PyTorch's
/// <c>F.mse_loss</c>: chapter 6's loss for a classifier with one output per class and one-hot targets
/// (<see cref="Classification.OneHot"/>).
/// </summary>
public sealed class OneHotMse
{
    private Tensor? squaredErrors;
    private readonly GradientSlot inputGradient = new();
    private bool backwardDone;

    public Tensor? Inp { get; private set; }
    public Tensor? Targ { get; private set; }
    public Tensor? Out { get; private set; }

    /// <summary>As <see cref="Module.ReuseBuffers"/>: Forward and Backward write into the previous step's tensors.</summary>
    public bool ReuseBuffers { get; set; }

    /// <summary>L = mean((inp - targ)²) over all n·c elements, a 0-d tensor.</summary>
    public Tensor Forward(Tensor inp, Tensor targ)
    {
        ArgumentNullException.ThrowIfNull(inp);
        ArgumentNullException.ThrowIfNull(targ);
        if (inp.Rank != 2 || !inp.Shape.AsSpan().SequenceEqual(targ.Shape) || inp.Count == 0)
            throw new ArgumentException($"OneHotMse: expects predictions and targets of the same shape (n, c) with n, c > 0, got {inp.ShapeString} and {targ.ShapeString}.");
        Inp = inp;
        Targ = targ;
        var squares = inp.SubInto(targ, squaredErrors = Reusable(squaredErrors, inp));
        Out = squares.MulInto(squares, squares).Mean();
        backwardDone = false;
        return Out;
    }

    /// <summary>dL/dinp += 2 (inp - targ) / (n·c), added to <c>Inp.Grad</c> as <see cref="Module"/> does.</summary>
    public void Backward()
    {
        if (Inp is null || Targ is null)
            throw new InvalidOperationException("OneHotMse.Backward: call Forward first.");
        if (backwardDone)
            throw new InvalidOperationException("OneHotMse.Backward: this forward pass has already been through Backward, and gradients add up, so a second time would count it twice; run Forward again.");
        var share = inputGradient.Destination(Inp, ReuseBuffers);
        Inp.SubInto(Targ, share);
        GradientSlot.Accumulate(Inp, share.MulInto(Tensor.Scalar(2f / Inp.Count), share));
        backwardDone = true;
    }

    private Tensor Reusable(Tensor? kept, Tensor like) =>
        ReuseBuffers && kept is not null && kept.Shape.AsSpan().SequenceEqual(like.Shape) ? kept : Tensor.Zeros(like.Shape);
}
