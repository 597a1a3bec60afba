namespace Foundations;

/// <summary>
/// Gradients by central differences, (f(x+h) - f(x-h)) / 2h, to check hand-written backward passes.
/// The error of the formula is O(h²); the rounding error is O(ε/h), so h trades one against the other.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// In double precision: <paramref name="f"/> is the loss as a function of the values of one
    /// parameter. With doubles (ε ≈ 1e-16) and h = 1e-6 the estimate is good to about 1e-9.
    /// </summary>
    public static double[] Numerical(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        Require.NotNull(f, "GradCheck.Numerical");
        Require.NotNull(x, "GradCheck.Numerical");
        CheckStep(h);
        var grad = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + h;
            double up = f(probe);
            probe[i] = x[i] - h;
            double down = f(probe);
            probe[i] = x[i];
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /// <summary>
    /// In float32, on the library's own forward pass: nudges each element of <paramref name="parameter"/>
    /// in place and re-runs <paramref name="loss"/>. With float32 (ε ≈ 1.2e-7) and h = 1e-2 expect
    /// agreement to about 1e-3 relative, enough to catch a wrong backward pass, not to prove the last digit.
    /// Near a ReLU's corner a nudge of h can flip a unit on or off, and then the difference quotient
    /// measures the corner, not the slope: on real data prefer h = 1e-3 and a small batch.
    /// </summary>
    public static Tensor Numerical(Func<float> loss, Tensor parameter, float h = 1e-2f)
    {
        Require.NotNull(loss, "GradCheck.Numerical");
        Require.NotNull(parameter, "GradCheck.Numerical");
        CheckStep(h);
        if (!parameter.IsContiguous) throw new ArgumentException($"GradCheck.Numerical: the parameter must be contiguous, got shape {parameter.ShapeString}.");
        var grad = Tensor.Zeros(parameter.Shape);
        parameter.PrepareWrite("GradCheck.Numerical");
        var data = parameter.Storage;
        for (int i = 0; i < parameter.Count; i++)
        {
            int p = parameter.Offset + i;
            float original = data[p];
            data[p] = original + h;
            double up = loss();
            data[p] = original - h;
            double down = loss();
            data[p] = original;
            grad.Storage[grad.Offset + i] = (float)((up - down) / (2.0 * h));
        }
        return grad;
    }

    // h = 0 divides by zero; a NaN or infinite h makes every estimate NaN.
    private static void CheckStep(double h)
    {
        if (!double.IsFinite(h) || h <= 0)
            throw new ArgumentOutOfRangeException(nameof(h), $"GradCheck.Numerical: the step h must be finite and positive, got {h}.");
    }
}
