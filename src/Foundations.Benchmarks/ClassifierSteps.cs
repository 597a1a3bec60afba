namespace Foundations.Benchmarks;

/// <summary>
/// One training step of chapters 6 and 7's 784-50-10 classifier on a batch of 64, three ways: the
/// hand-written layers with MSE on one-hot targets (chapter 6), the same loss through autograd, and
/// cross-entropy through autograd (chapter 7). Each step clears the gradients (they add up), runs
/// forward, loss and backward, and takes an SGD step. reference.py builds the same steps in PyTorch.
/// The hand-written layers allocate every tensor afresh, as the learner's code does, and also compute
/// the gradient with respect to the images (PyTorch skips it). The autograd steps clear the gradients either by dropping them
/// (<c>ZeroGrad()</c>, PyTorch's default) or, with <c>setToNone: false</c>, by zeroing the same tensors.
/// </summary>
public sealed class ClassifierSteps
{
    public const int Batch = 64, Inputs = 784, Hidden = 50, Classes = 10;
    public const float LearningRate = 0.01f;

    private readonly Tensor x, labels, oneHot;
    private readonly Sequential layers;
    private readonly OneHotMse layersLoss = new();
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
        layers = new Sequential(new Lin(Inputs, Hidden), new Relu(), new Lin(Hidden, Classes));
        layersSgd = new Sgd(layers.Parameters(), LearningRate);
        var first = (Lin)layers.Modules[0];
        var second = (Lin)layers.Modules[2];
        (w1, b1, w2, b2) = (first.W.Clone().SetRequiresGrad(), first.B.Clone().SetRequiresGrad(), second.W.Clone().SetRequiresGrad(), second.B.Clone().SetRequiresGrad());
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
        (x.MatMul(w1) + b1).Relu().MatMul(w2) + b2;

    public void AutogradMse(bool setToNone = true)
    {
        autogradSgd.ZeroGrad(setToNone);
        Logits().Sub(oneHot).Pow(2f).Mean().Backward();
        using (Autograd.NoGrad()) autogradSgd.Step();
    }

    public void AutogradCrossEntropy(bool setToNone = true)
    {
        autogradSgd.ZeroGrad(setToNone);
        Classification.CrossEntropy(Logits(), labels).Backward();
        using (Autograd.NoGrad()) autogradSgd.Step();
    }
}
