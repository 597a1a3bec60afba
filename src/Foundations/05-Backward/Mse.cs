namespace Foundations;

/// <summary>Mean squared error between predictions of shape (n, 1) and targets of shape (n).</summary>
public sealed class Mse : Loss
{
    protected override void CheckShapes(Tensor inp, Tensor targ)
    {
        if (inp.Rank != 2 || inp.Size(1) != 1 || targ.Rank != 1 || targ.Size(0) != inp.Size(0) || inp.Size(0) == 0)
            throw new ArgumentException($"Mse: expects predictions of shape (n, 1) and targets of shape (n,) with n > 0, got {inp.ShapeString} and {targ.ShapeString}.");
    }

    /// <summary>L = mean((inp[:, 0] - targ)²), a 0-d tensor.</summary>
    protected override Tensor Compute(Tensor inp, Tensor targ)
    {
        int n = targ.Size(0);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double e = inp[i, 0] - targ.GetValue(i);
            sum += e * e;
        }
        return Tensor.Scalar((float)(sum / n));
    }

    /// <summary>dL/dinp += 2 (inp - targ) / n, as an (n, 1) column.</summary>
    protected override void ComputeGradient(Tensor inp, Tensor targ)
    {
        inp.AccumulateGrad((inp - targ.Unsqueeze(1)) * (2f / targ.Size(0)));
    }
}
