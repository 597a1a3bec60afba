namespace Foundations;

/// <summary>
/// Automatic differentiation for <see cref="Tensor"/> (chapter 7). A tensor operation whose input
/// requires gradients records a <see cref="Node"/> on its result, holding the backward rule from
/// <see cref="Derivatives"/>. <see cref="Tensor.Backward"/> then walks the graph from the loss in
/// reverse topological order. When no input requires gradients, or inside <see cref="NoGrad"/>,
/// nothing is recorded and an operation costs what it did before chapter 7.
/// </summary>
public static partial class Autograd
{
    private static readonly AsyncLocal<bool> Disabled = new();

    /// <summary>False inside a <see cref="NoGrad"/> scope (PyTorch's <c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsEnabled => !Disabled.Value;

    /// <summary>
    /// A scope in which no graph is recorded, for evaluation and the optimiser's step:
    /// <c>using (Autograd.NoGrad()) { ... }</c>. It flows with async calls made inside it.
    /// </summary>
    public static IDisposable NoGrad()
    {
        var scope = new Scope(Disabled.Value);
        Disabled.Value = true;
        return scope;
    }

    private sealed class Scope(bool wasDisabled) : IDisposable
    {
        public void Dispose() => Disabled.Value = wasDisabled;
    }

    /// <summary>PyTorch's rule for when an operation records: recording is on and an input requires gradients.</summary>
    internal static bool ShouldRecord(Tensor a) => a.RequiresGrad && IsEnabled;

    internal static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && IsEnabled;

    /// <summary>
    /// Makes <paramref name="result"/> the output of a new node; <paramref name="saved"/> are the
    /// tensors the rule reads, checked for in-place writes before it runs.
    /// </summary>
    internal static Tensor Record(Tensor result, string name, Tensor[] inputs, Tensor[] saved, Func<Tensor, Tensor?[]> backward)
    {
        result.SetGradFn(new Node(name, inputs, saved, backward));
        return result;
    }

    /// <summary>
    /// Undoes broadcasting: sums <paramref name="gradient"/> over the dimensions that broadcasting
    /// added in front and over those where <paramref name="shape"/> has size 1, giving that shape.
    /// </summary>
    internal static Tensor SumTo(Tensor gradient, int[] shape)
    {
        int extra = gradient.Rank - shape.Length;
        for (int d = 0; d < extra; d++) gradient = gradient.Sum(0);
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] == 1 && gradient.Size(d) != 1) gradient = gradient.Sum(d, keepDim: true);
        return gradient.Reshape(shape);
    }

    /// <summary>The engine behind <see cref="Tensor.Backward"/>.</summary>
    internal static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: this tensor of shape {root.ShapeString} does not require grad and has no GradFn; call SetRequiresGrad() on the leaves before computing it.");
        if (gradient is null)
        {
            if (root.Count != 1)
                throw new InvalidOperationException($"Backward: grad can be implicitly created only for scalar outputs, got shape {root.ShapeString}; pass the gradient dL/dout of that shape.");
            gradient = Tensor.Ones(root.Shape);
        }
        else if (!gradient.Shape.AsSpan().SequenceEqual(root.Shape))
            throw new ArgumentException($"Backward: the gradient has shape {gradient.ShapeString}, but the tensor has shape {root.ShapeString}.");

        // The rules use the ordinary operations; they must not record a graph of their own.
        using var noGrad = NoGrad();
        // dL/dt for every tensor reached so far; a tensor read by several operations collects one share from each.
        // Owned is true for a tensor no one else can see (a rule's fresh result, or a sum of shares), which a
        // leaf may then keep as its Grad without copying it.
        var gradients = new Dictionary<Tensor, (Tensor Gradient, bool Owned)>(ReferenceEqualityComparer.Instance) { [root] = (gradient, false) };
        foreach (var tensor in ReverseTopologicalOrder(root))
        {
            if (!gradients.Remove(tensor, out var entry)) continue;
            var outputGradient = entry.Gradient;
            if (tensor.GradFn is null)
            {
                // A leaf keeps its gradient; a share that is also someone else's (Add hands g to both inputs) is copied first.
                if (tensor.Grad is not null) tensor.Grad.AddInPlace(outputGradient);
                else tensor.Grad = entry.Owned ? outputGradient : outputGradient.Clone();
                continue;
            }
            var inputGradients = tensor.GradFn.Apply(outputGradient, retainGraph);
            var inputs = tensor.GradFn.Inputs;
            for (int i = 0; i < inputs.Count; i++)
            {
                if (!inputs[i].RequiresGrad || inputGradients[i] is not { } share) continue;
                gradients[inputs[i]] = gradients.TryGetValue(inputs[i], out var sum)
                    ? (sum.Gradient.Add(share), true)
                    : (share, IsFresh(share, outputGradient, inputGradients, i));
            }
        }
    }

    /// <summary>
    /// True when a rule's share for input i is a tensor of its own: contiguous, and sharing storage
    /// neither with the gradient the rule was given (SumTo and Reshape pass views of it on) nor with
    /// its shares for the other inputs.
    /// </summary>
    private static bool IsFresh(Tensor share, Tensor outputGradient, Tensor?[] shares, int i)
    {
        if (!share.IsContiguous || ReferenceEquals(share.Storage, outputGradient.Storage)) return false;
        for (int j = 0; j < shares.Length; j++)
            if (j != i && shares[j] is { } other && ReferenceEquals(other.Storage, share.Storage)) return false;
        return true;
    }

    /// <summary>Every tensor the root was computed from that requires gradients, each after all the tensors computed from it.</summary>
    private static List<Tensor> ReverseTopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // Depth-first with an explicit stack, so a deep graph (a long training loop's chain) cannot overflow the call stack.
        var stack = new Stack<(Tensor Tensor, bool InputsDone)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (tensor, inputsDone) = stack.Pop();
            if (inputsDone) { order.Add(tensor); continue; }
            if (!visited.Add(tensor)) continue;
            stack.Push((tensor, true));
            if (tensor.GradFn is null) continue;
            foreach (var input in tensor.GradFn.Inputs)
                if (input.RequiresGrad && !visited.Contains(input)) stack.Push((input, false));
        }
        order.Reverse();
        return order;
    }
}
