namespace Foundations;

/// <summary>The chapter's two-layer network, lin-relu-lin, with its MSE loss.</summary>
public sealed class TwoLayerModel
{
    public Module[] Layers { get; }
    public Mse Loss { get; } = new();

    public TwoLayerModel(Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        Require.NotNull(w1, "TwoLayerModel"); Require.NotNull(b1, "TwoLayerModel"); Require.NotNull(w2, "TwoLayerModel"); Require.NotNull(b2, "TwoLayerModel");
        Layers = [new Lin(w1, b1), new Relu(), new Lin(w2, b2)];
    }

    /// <summary>Runs the layers on <paramref name="x"/> and returns the loss against <paramref name="targ"/>.</summary>
    public Tensor Forward(Tensor x, Tensor targ)
    {
        foreach (var layer in Layers) x = layer.Forward(x);
        return Loss.Forward(x, targ);
    }

    /// <summary>
    /// The loss's backward pass, then each layer's in reverse: the chain rule, one link at a time.
    /// Gradients are added to <c>Grad</c>; call <see cref="ZeroGrad"/> between steps.
    /// </summary>
    public void Backward()
    {
        Loss.Backward();
        for (int i = Layers.Length - 1; i >= 0; i--) Layers[i].Backward();
    }

    /// <summary>W1, B1, W2, B2.</summary>
    public IEnumerable<Tensor> Parameters() => Layers.SelectMany(l => l.Parameters());

    /// <summary>Sets every parameter's <c>Grad</c> to null, as <see cref="Module.ZeroGrad"/>.</summary>
    public void ZeroGrad()
    {
        foreach (var layer in Layers) layer.ZeroGrad();
    }
}
