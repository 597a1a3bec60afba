namespace Foundations;

/// <summary>
/// Where a backward rule writes its share of one tensor's gradient, so that shares add up as in
/// PyTorch (whose autograd node for this is called AccumulateGrad). A tensor read by two consumers
/// (a residual <c>x + f(x)</c>, one weight in two layers) gets a share from each, and its gradient is
/// their sum: the chain rule over every path from the tensor to the loss.
/// </summary>
/// <remarks>
/// When the target has no gradient yet, the share is written straight into a tensor that becomes
/// <c>target.Grad</c>; otherwise it is written into a scratch tensor and added on in place. With
/// reuse on, both tensors are kept from one pass to the next, so a training step that calls
/// <c>ZeroGrad</c> (which sets <c>Grad</c> to null) allocates no new gradient tensors.
/// </remarks>
internal sealed class GradientSlot
{
    private Tensor? first, scratch;

    /// <summary>A contiguous tensor of the target's shape to write this pass's dL/dtarget into; then call <see cref="Accumulate"/>.</summary>
    public Tensor Destination(Tensor target, bool reuse) =>
        target.Grad is null ? first = Tensor.Reusable(first, target.shape, reuse) : scratch = Tensor.Reusable(scratch, target.shape, reuse);

    /// <summary>target.Grad = share if it had no gradient, else target.Grad += share.</summary>
    public static void Accumulate(Tensor target, Tensor share)
    {
        if (target.Grad is null) target.Grad = share;
        else if (!ReferenceEquals(target.Grad, share)) target.Grad.AddInPlace(share);
    }
}
