using BenchmarkDotNet.Attributes;

namespace Foundations.Benchmarks;

/// <summary>The engine's Gemm.Multiply into a preallocated array on each shape, on one thread and on all cores, and the allocating a.MatMul(b).</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    public static IEnumerable<MatMulShape> Shapes => MatMulShape.All;

    [ParamsSource(nameof(Shapes))]
    public MatMulShape Shape { get; set; } = MatMulShape.All[0];

    [Params(false, true)]
    public bool Parallel { get; set; }

    [Benchmark]
    public void Into() => Shape.Into(Parallel);

    [Benchmark]
    public Tensor Allocating() => Shape.Allocating();
}
