namespace Foundations;

/// <summary>
/// One recorded operation in the autograd graph (PyTorch's <c>grad_fn</c>): its name, the tensors it
/// read, and the rule that turns dL/doutput into dL/dinput for each input. A tensor made by an
/// <see cref="Autograd"/> operation from inputs that require gradients points at its node.
/// </summary>
public sealed class Node
{
    // Turns dL/doutput into one dL/dinput per input (null where an input needs none).
    private Func<Tensor, Tensor?[]>? backward;
    private Tensor[] saved;
    private readonly int[] savedVersions;

    internal Node(string name, Tensor[] inputs, Tensor[] saved, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        this.saved = saved;
        savedVersions = Array.ConvertAll(saved, t => t.Version);
        this.backward = backward;
    }

    /// <summary>The operation that made the tensor, e.g. "MatMul".</summary>
    public string Name { get; }

    /// <summary>The tensors the operation read, in argument order.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>False once a backward pass without <c>retainGraph</c> has gone through this node and freed what it saved.</summary>
    public bool IsRetained => backward is not null;

    public override string ToString() => $"{Name}Backward";

    /// <summary>
    /// Runs the backward rule once. Refuses when the saved tensors were freed by an earlier pass or
    /// written in place since the forward pass (the rule would then use the wrong values).
    /// </summary>
    internal Tensor?[] Apply(Tensor outputGradient, bool retainGraph)
    {
        if (backward is null)
            throw new InvalidOperationException($"Backward: trying to backward through the graph a second time: {Name}'s saved tensors were freed after the first pass. Pass retainGraph: true to the first Backward to keep them.");
        for (int i = 0; i < saved.Length; i++)
            if (saved[i].Version != savedVersions[i])
                throw new InvalidOperationException($"Backward: one of the tensors needed for gradient computation has been modified by an in-place operation: {Name} saved a tensor of shape {saved[i].ShapeString} at version {savedVersions[i]}, and it is now at version {saved[i].Version}.");
        var gradients = backward(outputGradient);
        if (!retainGraph)
        {
            // Dropping the rule drops the tensors its closure captured; the graph's shape (Name, Inputs) stays readable.
            backward = null;
            saved = [];
        }
        return gradients;
    }
}
