namespace Foundations.Benchmarks;

/// <summary>
/// One training step of chapters 6 and 7's 784-50-10 classifier on a batch of 64, three ways: the
/// hand-written layers with MSE on one-hot targets (chapter 6), the same loss through autograd, and
/// cross-entropy through autograd (chapter 7). Each step clears the gradients (they add up), runs
/// forward, loss and backward, and takes an SGD step. reference.py builds the same steps in PyTorch.
/// The layers reuse their buffers; the autograd steps clear the gradients either by dropping them
/// (<c>ZeroGrad()</c>, PyTorch's default) or, with <c>setToNone: false</c>, by zeroing the same tensors.
/// </summary>
public sealed class ClassifierSteps
{
    public const int Batch = 64, Inputs = 784, Hidden = 50, Classes = 10;
    public const float LearningRate = 0.01f;

    private readonly Tensor x, labels, oneHot;
    private readonly Sequential layers;
    private readonly OneHotMse layersLoss = new() { ReuseBuffers = true };
    private readonly Sgd layersSgd;
    private readonly Tensor w1, b1, w2, b2;
    private readonly Sgd autogradSgd;

    public ClassifierSteps()
    {
        var generator = new Generator(0);
        x = generator.Normal([Batch, Inputs]);
        labels = Tensor.FromArray(Enumerable.Range(0, Batch).Select(i => (float)(i % Classes)).ToArray());
        oneHot = Classification.OneHot(labels, Classes);
        Tensor.ManualSeed(0);
        layers = new Sequential(new Lin(Inputs, Hidden), new Relu(), new Lin(Hidden, Classes)) { ReuseBuffers = true };
        layers.Modules[0].ComputeInputGradient = false;
        layersSgd = new Sgd(layers.Parameters(), LearningRate);
        var first = (Lin)layers.Modules[0];
        var second = (Lin)layers.Modules[2];
        (w1, b1, w2, b2) = (first.W.Clone().RequireGrad(), first.B.Clone().RequireGrad(), second.W.Clone().RequireGrad(), second.B.Clone().RequireGrad());
        autogradSgd = new Sgd([w1, b1, w2, b2], LearningRate);
    }

    /// <summary>Multiply-adds counted as 2 flops: x·W1 and W1's gradient, and the second layer forward and both ways back.</summary>
    public static double Flops => 2.0 * (2.0 * Batch * Inputs * Hidden + 3.0 * Batch * Hidden * Classes);

    public void HandWritten()
    {
        layersSgd.ZeroGrad();
        layersLoss.Forward(layers.Forward(x), oneHot);
        layersLoss.Backward();
        layers.Backward();
        layersSgd.Step();
    }

    private Tensor Logits() =>
        Autograd.Add(Autograd.MatMul(Autograd.Relu(Autograd.Add(Autograd.MatMul(x, w1), b1)), w2), b2);

    public void AutogradMse(bool setToNone = true)
    {
        autogradSgd.ZeroGrad(setToNone);
        Autograd.Mean(Autograd.Pow(Autograd.Sub(Logits(), oneHot), 2f)).Backward();
        using (Autograd.NoGrad()) autogradSgd.Step();
    }

    public void AutogradCrossEntropy(bool setToNone = true)
    {
        autogradSgd.ZeroGrad(setToNone);
        Autograd.CrossEntropy(Logits(), labels).Backward();
        using (Autograd.NoGrad()) autogradSgd.Step();
    }
}
