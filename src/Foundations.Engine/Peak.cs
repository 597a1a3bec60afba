using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Foundations.Engine;

/// <summary>
/// The machine's measured float32 ceiling: how many fused multiply-adds per second the cores
/// really retire when they do nothing else. A matrix multiply's GFLOPS mean most as a fraction of this.
/// </summary>
/// <remarks>
/// An FMA takes a few cycles to produce its result but a core can start one or two every cycle, so
/// one chain of dependent FMAs would measure latency, not throughput. Each thread therefore keeps
/// <see cref="Chains"/> independent accumulators, more than latency × pipes on any current x86 core.
/// Each step computes acc = acc·m + d with m just below 1: the values settle near d/(1-m) and never
/// overflow or turn subnormal, which would slow some CPUs down and measure the wrong thing.
/// </remarks>
public static class Peak
{
    private const int Chains = 12;
    private const float Multiplier = 0.999999f, Addend = 1e-6f;

    /// <summary>True when this process can run FMAs on vectors of <paramref name="width"/> bits (256 or 512).</summary>
    public static bool IsSupported(int width) => width switch
    {
        256 => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported,
        512 => Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Float32 GFLOPS (an FMA on each lane counts as two flops) of <paramref name="threads"/> threads
    /// each running FMAs on <paramref name="width"/>-bit vectors: the best of <paramref name="trials"/>
    /// runs of about <paramref name="milliseconds"/> each, timed by the wall clock from a common start.
    /// On a busy machine, many short trials give the best chance that one runs undisturbed.
    /// </summary>
    public static double MeasureGflops(int width, int threads, int trials = 10, int milliseconds = 20)
    {
        if (width is not (256 or 512))
            throw new ArgumentOutOfRangeException(nameof(width), $"Peak.MeasureGflops: width must be 256 or 512 bits, got {width}.");
        if (!IsSupported(width))
            throw new PlatformNotSupportedException($"Peak.MeasureGflops: this process cannot run {width}-bit FMAs (check Peak.IsSupported first).");
        if (threads < 1 || threads > Environment.ProcessorCount)
            throw new ArgumentOutOfRangeException(nameof(threads), $"Peak.MeasureGflops: threads must be 1..{Environment.ProcessorCount}, got {threads}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, 1);

        Func<long, float> run = width == 512 ? Run512 : Run256;
        int lanes = width / 32;
        run(1000);   // compile before timing
        long steps = CalibrateSteps(run, milliseconds);
        double best = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            double seconds = TimeOnThreads(run, steps, threads);
            best = Math.Max(best, threads * steps * (double)Chains * lanes * 2 / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Steps that take one thread about the requested time.</summary>
    private static long CalibrateSteps(Func<long, float> run, int milliseconds)
    {
        long steps = 1 << 16;
        while (true)
        {
            long begin = Stopwatch.GetTimestamp();
            run(steps);
            double elapsed = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            if (elapsed > milliseconds / 4.0) return (long)(steps * milliseconds / elapsed) + 1;
            steps *= 4;
        }
    }

    /// <summary>
    /// Wall time from the first thread's start to the last one's finish, each thread reading the clock
    /// itself: the releasing thread may not run again until a worker yields its core, so a clock it
    /// started would miss the workers' first moments and overstate the rate.
    /// </summary>
    private static double TimeOnThreads(Func<long, float> run, long steps, int threads)
    {
        using var ready = new Barrier(threads);
        var sink = new float[threads];
        var starts = new long[threads];
        var ends = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            ready.SignalAndWait();
            starts[t] = Stopwatch.GetTimestamp();
            sink[t] = run(steps);
            ends[t] = Stopwatch.GetTimestamp();
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (sink.Any(float.IsNaN)) throw new InvalidOperationException("Peak: the FMA chains produced NaN.");
        return (double)(ends.Max() - starts.Min()) / Stopwatch.Frequency;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run256(long steps)
    {
        var m = Vector256.Create(Multiplier);
        var d = Vector256.Create(Addend);
        Vector256<float> a0 = d, a1 = d, a2 = d, a3 = d, a4 = d, a5 = d, a6 = d, a7 = d, a8 = d, a9 = d, a10 = d, a11 = d;
        for (long s = 0; s < steps; s++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, d); a1 = Vector256.FusedMultiplyAdd(a1, m, d);
            a2 = Vector256.FusedMultiplyAdd(a2, m, d); a3 = Vector256.FusedMultiplyAdd(a3, m, d);
            a4 = Vector256.FusedMultiplyAdd(a4, m, d); a5 = Vector256.FusedMultiplyAdd(a5, m, d);
            a6 = Vector256.FusedMultiplyAdd(a6, m, d); a7 = Vector256.FusedMultiplyAdd(a7, m, d);
            a8 = Vector256.FusedMultiplyAdd(a8, m, d); a9 = Vector256.FusedMultiplyAdd(a9, m, d);
            a10 = Vector256.FusedMultiplyAdd(a10, m, d); a11 = Vector256.FusedMultiplyAdd(a11, m, d);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run512(long steps)
    {
        var m = Vector512.Create(Multiplier);
        var d = Vector512.Create(Addend);
        Vector512<float> a0 = d, a1 = d, a2 = d, a3 = d, a4 = d, a5 = d, a6 = d, a7 = d, a8 = d, a9 = d, a10 = d, a11 = d;
        for (long s = 0; s < steps; s++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, d); a1 = Vector512.FusedMultiplyAdd(a1, m, d);
            a2 = Vector512.FusedMultiplyAdd(a2, m, d); a3 = Vector512.FusedMultiplyAdd(a3, m, d);
            a4 = Vector512.FusedMultiplyAdd(a4, m, d); a5 = Vector512.FusedMultiplyAdd(a5, m, d);
            a6 = Vector512.FusedMultiplyAdd(a6, m, d); a7 = Vector512.FusedMultiplyAdd(a7, m, d);
            a8 = Vector512.FusedMultiplyAdd(a8, m, d); a9 = Vector512.FusedMultiplyAdd(a9, m, d);
            a10 = Vector512.FusedMultiplyAdd(a10, m, d); a11 = Vector512.FusedMultiplyAdd(a11, m, d);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
