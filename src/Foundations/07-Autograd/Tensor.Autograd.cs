namespace Foundations;

// The autograd fields of a tensor (chapter 7). An operation sets them on its result when one of
// its inputs requires gradients; tensors that do not, as in chapters 1 to 6, never build a graph.
public sealed partial class Tensor
{
    private bool requiresGrad;

    /// <summary>
    /// Whether operations on this tensor record a graph, so that
    /// <see cref="Backward"/> can reach it (PyTorch's <c>requires_grad</c>). Only a leaf (a tensor no
    /// recorded operation made) may have it changed.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null)
                throw new InvalidOperationException($"RequiresGrad: can only be changed on a leaf tensor; this tensor of shape {ShapeString} was made by {GradFn.Name}.");
            requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (PyTorch's <c>requires_grad_()</c>).</summary>
    public Tensor SetRequiresGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>The recorded operation that made this tensor, or null for a leaf (PyTorch's <c>grad_fn</c>).</summary>
    public Node? GradFn { get; private set; }

    /// <summary>True for a tensor no recorded operation made: the user's inputs and parameters.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Makes this tensor the output of <paramref name="node"/>: it requires gradients and is no longer a leaf.</summary>
    internal void SetGradFn(Node node)
    {
        requiresGrad = true;
        GradFn = node;
    }

    /// <summary>
    /// Back-propagates from this tensor: every leaf that requires gradients and that this tensor was
    /// computed from gets dL/dleaf ADDED to its <see cref="Grad"/>, as the layers' backward passes do:
    /// a leaf without one gets a new tensor, one with a Grad has it added into that same tensor in place
    /// (as PyTorch does), so a tensor read from Grad before changes with it unless it was cloned.
    /// <paramref name="gradient"/> is dL/dthis; it may be left out only for a one-element tensor (a loss),
    /// where it is 1. The graph's saved tensors are freed afterwards unless <paramref name="retainGraph"/>.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Autograd.Backward(this, gradient, retainGraph);
}
