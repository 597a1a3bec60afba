using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>ActivationStats: one row per layer per forward pass, with the mean and std of that layer's output.</summary>
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
    public void Sequential_WithStats_RecordsOneRowPerLayerPerForward()
    {
        var net = Network(1);
        var stats = new ActivationStats();
        net.Stats = stats;
        var random = new Random(2);

        for (int step = 0; step < 4; step++) net.Forward(RandomTensor(random, 10, 6));

        Assert.Equal(4 * 3, stats.Records.Count);
        for (int step = 0; step < 4; step++)
        {
            var rows = stats.AtStep(step);
            Assert.Equal([0, 1, 2], rows.Select(r => r.Layer));
            Assert.Equal(["Lin(6, 5)", "Relu", "Lin(5, 3)"], rows.Select(r => r.Name));
            Assert.All(rows, r => Assert.Equal(step, r.Step));
        }
        Assert.Equal([0, 1, 2, 3], stats.ForLayer(1).Select(r => r.Step));
    }

    [Fact]
    public void Sequential_WithStats_RecordsEachLayersOutputMoments()
    {
        var net = Network(3);
        var stats = new ActivationStats();
        net.Stats = stats;

        net.Forward(RandomTensor(new Random(4), 20, 6));

        var rows = stats.AtStep(0);
        for (int layer = 0; layer < 3; layer++)
        {
            var (mean, std) = ActivationStats.Of(net.Modules[layer].Out!);
            Assert.Equal(mean, rows[layer].Mean);
            Assert.Equal(std, rows[layer].Std);
        }
        Assert.True(rows[1].Mean >= 0, "a ReLU output cannot have a negative mean");
    }

    [Fact]
    public void Sequential_WithoutStats_RecordsNothing()
    {
        var net = Network(5);
        var stats = new ActivationStats();

        net.Forward(RandomTensor(new Random(6), 4, 6));

        Assert.Empty(stats.Records);
        Assert.Null(net.Stats);
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
