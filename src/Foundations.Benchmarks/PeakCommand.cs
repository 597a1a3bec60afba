using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary><c>-- peak</c>: the measured FMA ceiling for each vector width this process can use, on one thread and on all.</summary>
public static class PeakCommand
{
    public static int Run()
    {
        int all = Environment.ProcessorCount;
        foreach (int width in new[] { 256, 512 })
        {
            if (!Peak.IsSupported(width))
            {
                Console.WriteLine($"{width}-bit FMA: not available in this process");
                continue;
            }
            foreach (int threads in all == 1 ? new[] { 1 } : new[] { 1, all })
                Console.WriteLine($"{width}-bit FMA, {threads} thread(s): {Peak.MeasureGflops(width, threads):F1} GFLOPS");
        }
        return 0;
    }
}
