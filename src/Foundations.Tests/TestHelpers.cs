using System.Text.Json;

namespace Foundations.Tests;

/// <summary>Shared pieces: fixture paths, closeness assertions, exception checks and seeded random data.</summary>
internal static class TestHelpers
{
    /// <summary>The committed fixture file (copied next to the test assembly by the project file).</summary>
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The whole JSON document of a fixture, for the parts that are not tensors (cases, reprs).</summary>
    public static JsonDocument FixtureDocument(string name) => JsonDocument.Parse(File.ReadAllBytes(FixturePath(name)));

    /// <summary>Same shape and |actual - expected| &lt;= atol + rtol·|expected| everywhere; NaN matches NaN.</summary>
    public static void AssertClose(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        var c = Check.Compare(actual, expected, rtol, atol, equalNan: true);
        Assert.True(c.ShapesMatch, $"{what}: shape {actual.ShapeString}, expected {expected.ShapeString}");
        Assert.True(c.Close, $"{what}: at flat index {c.WorstIndex} got {c.WorstActual:R}, expected {c.WorstExpected:R} " +
            $"(max |diff| {c.MaxDiff:g4}; allowed {atol:g2} + {rtol:g2}·|expected|)");
    }

    public static void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < actual.Count; i++)
        {
            double allowed = atol + rtol * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= allowed,
                $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (|diff| {Math.Abs(actual[i] - expected[i]):g4} > allowed {allowed:g4})");
        }
    }

    /// <summary>
    /// Asserts that <paramref name="action"/> throws <typeparamref name="T"/> (or a subclass) and that
    /// its message contains every fragment (the operation's name, the shapes, the index...).
    /// </summary>
    public static T AssertThrowsNaming<T>(Action action, params string[] fragments) where T : Exception
    {
        var e = Assert.ThrowsAny<T>(action);
        foreach (var fragment in fragments)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal),
                $"{e.GetType().Name} message \"{e.Message}\" does not mention \"{fragment}\"");
        return e;
    }

    public static T AssertThrowsNaming<T>(Func<object?> function, params string[] fragments) where T : Exception =>
        AssertThrowsNaming<T>(() => { function(); }, fragments);

    /// <summary>A tensor of the shape filled from <paramref name="random"/> with values in [-2, 2), rounded to 1/64 so sums stay exact-ish.</summary>
    public static Tensor RandomTensor(Random random, params int[] shape)
    {
        var data = new float[Shapes.Count(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = MathF.Round((float)(random.NextDouble() * 4 - 2) * 64) / 64;
        return Tensor.FromArray(data, shape);
    }

    /// <summary>Values kept away from zero (|v| in [0.5, 2.5)), for divisors.</summary>
    public static Tensor RandomNonZero(Random random, params int[] shape)
    {
        var data = new float[Shapes.Count(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            float magnitude = 0.5f + (float)random.NextDouble() * 2;
            data[i] = random.Next(2) == 0 ? magnitude : -magnitude;
        }
        return Tensor.FromArray(data, shape);
    }

    /// <summary>Small integers in [-2, 2], so that comparisons see equal pairs too.</summary>
    public static Tensor RandomIntegers(Random random, params int[] shape)
    {
        var data = new float[Shapes.Count(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = random.Next(-2, 3);
        return Tensor.FromArray(data, shape);
    }

    /// <summary>The product of two float matrices computed in double, with plain loops over <see cref="Tensor.GetValue"/>.</summary>
    public static double[] ReferenceMatMul(Tensor a, Tensor b)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double)a.GetValue(i, p) * b.GetValue(p, j);
                c[i * n + j] = sum;
            }
        return c;
    }

    /// <summary>Every index of a shape in row-major order.</summary>
    public static IEnumerable<int[]> Indices(int[] shape)
    {
        int count = Shapes.Count(shape);
        var index = new int[shape.Length];
        for (int n = 0; n < count; n++)
        {
            yield return (int[])index.Clone();
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }

    public static double[] ToDoubles(Tensor t) => t.ToArray().Select(v => (double)v).ToArray();

    public static float[] Floats(params double[] values) => values.Select(v => (float)v).ToArray();
}

/// <summary>
/// Tests that seed and read the shared generator behind <see cref="Tensor.Randn"/> (through
/// ManualSeed, Init or Lin(nIn, nOut)) run here, one at a time, after the parallel ones, so no
/// other test draws numbers from it in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedGeneratorCollection
{
    public const string Name = "Shared generator";
}
