using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// ActivationStats: one row per layer per forward pass, with the mean and std of that layer's output.
/// Layer 0 is the input, layer k the output of the k-th watched module.
/// </summary>
public sealed class StatsTests
{
    private static Sequential Network(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            new Lin(RandomTensor(random, 6, 5) * 0.5f, RandomTensor(random, 5) * 0.1f),
            new Relu(),
            new Lin(RandomTensor(random, 5, 3) * 0.5f, RandomTensor(random, 3) * 0.1f));
    }

    [Fact]
    public void Of_GivesMeanAndUnbiasedStdInDouble()
    {
        var (mean, std) = ActivationStats.Of(Tensor.From(2f, 4f, 4f, 4f, 5f, 5f, 7f, 9f));

        Assert.Equal(5.0, mean, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), std, 12);
    }

    [Fact]
    public void Of_OneElement_HasNaNStd()
    {
        var (mean, std) = ActivationStats.Of(Tensor.From(3f));

        Assert.Equal(3.0, mean);
        Assert.True(double.IsNaN(std));
    }

    [Fact]
    public void Of_AnOverflowingLayer_ReportsInfinityOrNaN()
    {
        var (mean, std) = ActivationStats.Of(Tensor.From(1f, float.PositiveInfinity));

        Assert.True(double.IsInfinity(mean));
        Assert.True(double.IsNaN(std));
    }

    [Fact]
    public void HookedModules_RecordOneRowPerLayerPerForward()
    {
        var net = Network(1);
        using var stats = new ActivationStats(net.Modules);
        var random = new Random(2);

        for (int step = 0; step < 4; step++) net.Forward(RandomTensor(random, 10, 6));

        Assert.Equal(4 * 4, stats.Records.Count);
        for (int step = 0; step < 4; step++)
        {
            var rows = stats.AtStep(step);
            Assert.Equal([0, 1, 2, 3], rows.Select(r => r.Layer));
            Assert.Equal(["input", "Lin(6, 5)", "Relu", "Lin(5, 3)"], rows.Select(r => r.Name));
            Assert.All(rows, r => Assert.Equal(step, r.Step));
        }
        Assert.Equal([0, 1, 2, 3], stats.ForLayer(1).Select(r => r.Step));
    }

    [Fact]
    public void HookedModules_RecordEachLayersOutputMoments()
    {
        var net = Network(3);
        using var stats = new ActivationStats(net.Modules);
        var x = RandomTensor(new Random(4), 20, 6);

        net.Forward(x);

        var rows = stats.AtStep(0);
        Tensor[] layers = [x, .. net.Modules.Select(m => m.Out!)];
        for (int layer = 0; layer < layers.Length; layer++)
        {
            var values = ToDoubles(layers[layer]);
            double mean = values.Average();
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            Assert.Equal(mean, rows[layer].Mean, 1e-12);
            Assert.Equal(std, rows[layer].Std, 1e-12);
        }
        Assert.True(rows[2].Mean >= 0, "a ReLU output cannot have a negative mean");
    }

    [Fact]
    public void ChosenModules_AreNumberedInTheOrderGiven()
    {
        var net = Network(5);
        using var stats = new ActivationStats(net.Modules[2], net.Modules[0]);

        net.Forward(RandomTensor(new Random(6), 4, 6));

        Assert.Equal([(0, "input"), (1, "Lin(5, 3)"), (2, "Lin(6, 5)")], stats.AtStep(0).Select(r => (r.Layer, r.Name)));
    }

    [Fact]
    public void LayerZero_IsTheInputOfTheFirstModule_OncePerPass()
    {
        var net = Network(13);
        using var stats = new ActivationStats(net.Modules);
        var x = RandomTensor(new Random(14), 8, 6) * 3f + 2f;

        net.Forward(x);
        net.Forward(x);

        var inputs = stats.ForLayer(0);
        var (mean, std) = ActivationStats.Of(x);
        Assert.Equal([0, 1], inputs.Select(r => r.Step));
        Assert.All(inputs, r => Assert.Equal(new LayerStat(r.Step, 0, ActivationStats.InputName, mean, std), r));
    }

    [Fact]
    public void Dispose_RemovesTheHooksAndKeepsTheRecords()
    {
        var net = Network(7);
        var stats = new ActivationStats(net.Modules);
        var x = RandomTensor(new Random(8), 4, 6);
        net.Forward(x);

        stats.Dispose();
        net.Forward(x);

        Assert.Equal(4, stats.Records.Count);
    }

    [Fact]
    public void Paused_RecordsNothingAndDoesNotAdvanceTheStep()
    {
        var net = Network(9);
        using var stats = new ActivationStats(net.Modules);
        var x = RandomTensor(new Random(10), 4, 6);

        net.Forward(x);
        stats.Paused = true;
        net.Forward(x);
        stats.Paused = false;
        net.Forward(x);

        Assert.Equal(8, stats.Records.Count);
        Assert.Equal([0, 1], stats.ForLayer(3).Select(r => r.Step));
    }

    [Fact]
    public void APassThatFailsHalfway_DoesNotShiftLaterSteps()
    {
        var (first, second) = (new Relu(), new Relu());
        using var stats = new ActivationStats(first, second);
        var x = Tensor.Ones(2, 2);

        first.Forward(x);                  // the pass stops here, as if the second layer had thrown
        second.Forward(first.Forward(x));
        second.Forward(first.Forward(x));

        Assert.Equal([0, 1], stats.AtStep(0).Select(r => r.Layer));
        Assert.Equal([0, 1, 2], stats.AtStep(1).Select(r => r.Layer));
        Assert.Equal([0, 1, 2], stats.AtStep(2).Select(r => r.Layer));
    }

    [Fact]
    public void WithoutModules_RecordsNothingByItself()
    {
        var net = Network(11);
        var stats = new ActivationStats();

        net.Forward(RandomTensor(new Random(12), 4, 6));

        Assert.Empty(stats.Records);
    }

    [Fact]
    public void Constructor_RejectsTheSameModuleTwice()
    {
        var relu = new Relu();

        var error = Assert.Throws<ArgumentException>(() => new ActivationStats(relu, relu));

        Assert.Contains("ActivationStats", error.Message);
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void Record_AddsARowAndReturnsIt_AndClearEmpties()
    {
        var stats = new ActivationStats();

        var row = stats.Record(7, 2, "Relu", Tensor.From(1f, 3f));

        Assert.Equal(new LayerStat(7, 2, "Relu", 2.0, Math.Sqrt(2)), row);
        Assert.Single(stats.Records);
        stats.Clear();
        Assert.Empty(stats.Records);
    }

    [Fact]
    public void AtStep_OrdersRowsByLayer()
    {
        var stats = new ActivationStats();
        stats.Record(0, 1, "b", Tensor.From(1f, 2f));
        stats.Record(0, 0, "a", Tensor.From(1f, 2f));
        stats.Record(1, 0, "a", Tensor.From(1f, 2f));

        Assert.Equal(["a", "b"], stats.AtStep(0).Select(r => r.Name));
        Assert.Equal([0, 1], stats.ForLayer(0).Select(r => r.Step));
    }
}
