namespace Foundations;

/// <summary>
/// A seeded random number generator (xoshiro256**, seeded through SplitMix64) whose sequence is
/// fixed by this file alone, so a notebook prints the same numbers on every machine and .NET version.
/// </summary>
public sealed class Generator
{
    /// <summary>The generator behind <see cref="Tensor.Randn"/> and <see cref="Tensor.Rand"/>.</summary>
    public static Generator Default { get; } = new(0);

    private ulong s0, s1, s2, s3;

    public Generator(ulong seed) => Seed(seed);

    public void Seed(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box-Muller; both values of each pair are used.</summary>
    public Tensor Normal(int[] shape)
    {
        var t = Tensor.Uninitialized(Shapes.Checked(Require.NotNull(shape, "Generator.Normal"), "Generator.Normal"), "Generator.Normal");   // every element is drawn
        var data = t.Storage.AsSpan(t.Offset, t.Count);
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - NextDouble(), u2 = NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
        return t;
    }

    public Tensor Uniform(int[] shape)
    {
        var t = Tensor.Uninitialized(Shapes.Checked(Require.NotNull(shape, "Generator.Uniform"), "Generator.Uniform"), "Generator.Uniform");   // every element is drawn
        var data = t.Storage.AsSpan(t.Offset, t.Count);
        // 24 random bits: every value is a float below 1 (rounding a double to float could give 1.0).
        for (int i = 0; i < data.Length; i++) data[i] = (NextUInt64() >> 40) * (1f / (1 << 24));
        return t;
    }

    /// <summary>A random permutation of 0..n-1 (Fisher-Yates), for shuffling mini-batches.</summary>
    public int[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"Generator.Permutation: n must not be negative, got {n}.");
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(NextUInt64() % (ulong)(i + 1));
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
