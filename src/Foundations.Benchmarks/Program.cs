using BenchmarkDotNet.Running;
using Foundations.Benchmarks;

// `-- compare` times our kernel against NumPy and PyTorch; `-- scale` square products from 64 to 4096 on one
// thread and on all; `-- crossover` and `-- breakdown` show where the parallel split pays and where a small
// product's time goes; `-- allocation` what a fresh large result costs; `-- peak` measures FMA throughput;
// anything else goes to BenchmarkDotNet, e.g. `-- --filter *Gemm*`.
switch (args.FirstOrDefault())
{
    case "compare": return Compare.Run(args[1..]);
    case "scale": return Scale.Run(args[1..]);
    case "crossover": return Crossover.Run();
    case "breakdown": return Crossover.Breakdown(args[1..]);
    case "allocation": return Allocation.Run(args[1..]);
    case "peak": return PeakCommand.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
