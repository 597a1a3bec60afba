using System.Diagnostics;

namespace Foundations.Benchmarks;

/// <summary>The best and the median time per call of one workload, in microseconds.</summary>
public readonly record struct Timing(double BestMicroseconds, double MedianMicroseconds, int Samples);

/// <summary>
/// The timing protocol every command here shares with reference.py: warm up, then take samples,
/// each repeating the call for at least <see cref="MinSample"/>, and report the best and the median
/// sample. The best is the run least disturbed by the rest of the machine; the median shows how
/// much the rest of the machine disturbed the others.
/// </summary>
public sealed record Sampling(TimeSpan Warmup, TimeSpan Budget, int MinSamples, int MaxSamples)
{
    public static readonly TimeSpan MinSample = TimeSpan.FromMilliseconds(2);

    /// <summary>compare's protocol: half a second of warm-up, 5 to 31 samples within about 4 s.</summary>
    public static readonly Sampling Compare = new(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4), 5, 31);

    /// <summary>
    /// scale's protocol: shorter, so that a 4096³ product (a second or so per call on one thread)
    /// runs only four times: once to warm up, three samples.
    /// </summary>
    public static readonly Sampling Scale = new(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(1.5), 3, 31);

    public Timing Measure(Action call)
    {
        var warmup = Stopwatch.StartNew();
        do call(); while (warmup.Elapsed < Warmup);

        long begin = Stopwatch.GetTimestamp();
        call();
        var one = Stopwatch.GetElapsedTime(begin);
        int batch = (int)Math.Max(1, MinSample.Ticks / Math.Max(one.Ticks, 1) + 1);

        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < MaxSamples && (samples.Count < MinSamples || total.Elapsed < Budget))
        {
            begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) call();
            samples.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds / batch);
        }
        samples.Sort();
        return new Timing(samples[0], samples[samples.Count / 2], samples.Count);
    }
}
