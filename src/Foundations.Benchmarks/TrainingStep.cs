using BenchmarkDotNet.Attributes;

namespace Foundations.Benchmarks;

/// <summary>
/// One training step of the article's 784-50-1 MSE model on a batch of 256: forward, loss,
/// backward, SGD update, gradients cleared (they accumulate). This is the learner's code as chapter 6
/// writes it: every tensor is freshly allocated, and the first layer also computes the gradient with
/// respect to the images, which PyTorch skips for an input without requires_grad.
/// </summary>
public sealed class TrainingStep
{
    public const int Batch = 256, Inputs = 784, Hidden = 50;
    public const float LearningRate = 0.01f;

    private readonly Tensor x, y;
    private readonly Sequential model;
    private readonly Mse loss = new();
    private readonly Sgd sgd;

    public TrainingStep()
    {
        var generator = new Generator(0);
        x = generator.Normal([Batch, Inputs]);
        y = generator.Normal([Batch]);
        Tensor.ManualSeed(0);
        model = new Sequential(new Lin(Inputs, Hidden), new Relu(), new Lin(Hidden, 1));
        sgd = new Sgd(model.Parameters(), LearningRate);
    }

    /// <summary>Multiply-adds counted as 2 flops: x·W1, W1's gradient xᵀ·g, the images' g·W1ᵀ, and the small second layer (both ways).</summary>
    public static double Flops => 2.0 * (3.0 * Batch * Inputs * Hidden + 3.0 * Batch * Hidden);

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
