namespace Foundations;

/// <summary>
/// Weight initialisation for a layer computing x @ W with W of shape (nIn, nOut). Each output is a
/// sum of nIn products x·w, and with zero-mean weights one product has variance E[x²]·Var(w), so an
/// output's variance is nIn·Var(w)·E[x²]: weights with std 1/sqrt(nIn) carry the input's mean square
/// E[x²] (its variance, when its mean is 0) over to the output unchanged.
/// </summary>
public static class Init
{
    /// <summary>Plain standard normal weights, std 1: activations grow by about sqrt(nIn) per layer.</summary>
    public static Tensor Normal(int nIn, int nOut, float std = 1f)
    {
        var shape = Check(nIn, nOut, "Init.Normal");
        if (!float.IsFinite(std) || std < 0)
            throw new ArgumentOutOfRangeException(nameof(std), $"Init.Normal: std must be finite and not negative, got {std}.");
        return Tensor.Randn(shape) * std;
    }

    /// <summary>Xavier/Glorot as the course uses it: std = 1/sqrt(nIn), for layers without ReLU.
    /// (Glorot and Bengio's paper averages fan-in and fan-out: sqrt(2/(nIn+nOut)).)</summary>
    public static Tensor XavierNormal(int nIn, int nOut) => Normal(nIn, nOut, 1f / MathF.Sqrt(nIn));

    /// <summary>Uniform on [-a, a] with the same std as <see cref="XavierNormal"/>: a = sqrt(3/nIn).</summary>
    public static Tensor XavierUniform(int nIn, int nOut) => Uniform(nIn, nOut, MathF.Sqrt(3f / nIn));

    /// <summary>Kaiming/He: std = sqrt(2/nIn), for layers followed by ReLU. ReLU zeroes the negative half of
    /// its input, which halves the mean square E[x²]; the factor 2 gives it back, and the mean square is
    /// what the next layer's variance depends on. (The variance proper falls further: for a standard normal
    /// input, from 1 to 1/2 - 1/(2π) ≈ 0.34.)</summary>
    public static Tensor KaimingNormal(int nIn, int nOut) => Normal(nIn, nOut, MathF.Sqrt(2f / nIn));

    /// <summary>Uniform on [-a, a] with the same std as <see cref="KaimingNormal"/>: a = sqrt(6/nIn).</summary>
    public static Tensor KaimingUniform(int nIn, int nOut) => Uniform(nIn, nOut, MathF.Sqrt(6f / nIn));

    private static Tensor Uniform(int nIn, int nOut, float bound) =>
        Tensor.Rand(Check(nIn, nOut, "Init.Uniform")) * (2 * bound) - bound;

    private static int[] Check(int nIn, int nOut, string operation)
    {
        if (nIn <= 0 || nOut <= 0)
            throw new ArgumentException($"{operation}: layer sizes must be positive, got nIn={nIn}, nOut={nOut}.");
        return [nIn, nOut];
    }
}
