using BenchmarkDotNet.Attributes;

namespace Foundations.Benchmarks;

/// <summary>
/// One training step of the article's 784-50-1 MSE model on a batch of 256: forward, loss,
/// backward, SGD update, gradients cleared (they accumulate). Buffers are reused and the first layer skips the gradient with respect to
/// the images, which is what PyTorch does for an input without requires_grad.
/// </summary>
public sealed class TrainingStep
{
    public const int Batch = 256, Inputs = 784, Hidden = 50;
    public const float LearningRate = 0.01f;

    private readonly Tensor x, y;
    private readonly Sequential model;
    private readonly Mse loss = new() { ReuseBuffers = true };
    private readonly Sgd sgd;

    public TrainingStep()
    {
        var generator = new Generator(0);
        x = generator.Normal([Batch, Inputs]);
        y = generator.Normal([Batch]);
        Tensor.ManualSeed(0);
        model = new Sequential(new Lin(Inputs, Hidden), new Relu(), new Lin(Hidden, 1)) { ReuseBuffers = true };
        model.Modules[0].ComputeInputGradient = false;
        sgd = new Sgd(model.Parameters(), LearningRate);
    }

    /// <summary>Multiply-adds counted as 2 flops: x·W1, W1's gradient xᵀ·g, and the small second layer (both ways).</summary>
    public static double Flops => 2.0 * (2.0 * Batch * Inputs * Hidden + 3.0 * Batch * Hidden);

    public float Run()
    {
        var output = model.Forward(x);
        var value = loss.Forward(output, y);
        loss.Backward();
        model.Backward();
        sgd.Step();
        sgd.ZeroGrad();
        return value.Item();
    }
}

/// <summary>The training step under BenchmarkDotNet, with the memory diagnoser showing what one step allocates.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private readonly TrainingStep step = new();

    [Benchmark]
    public float Step() => step.Run();
}
