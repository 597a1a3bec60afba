using BenchmarkDotNet.Running;
using Foundations.Benchmarks;

// `-- compare` times our kernel against NumPy and PyTorch; `-- peak` measures FMA throughput; anything else goes to BenchmarkDotNet,
// e.g. `-- --filter *Gemm*`.
if (args.Length > 0 && args[0] == "compare")
    return Compare.Run(args[1..]);
if (args.Length > 0 && args[0] == "peak")
    return PeakCommand.Run();

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
