namespace Foundations;

/// <summary>Mean squared error between predictions of shape (n, 1) and targets of shape (n).</summary>
public sealed class Mse
{
    public Tensor? Inp { get; private set; }
    public Tensor? Targ { get; private set; }
    public Tensor? Out { get; private set; }

    /// <summary>L = mean((inp[:, 0] - targ)²), a 0-d tensor.</summary>
    public Tensor Forward(Tensor inp, Tensor targ)
    {
        ArgumentNullException.ThrowIfNull(inp);
        ArgumentNullException.ThrowIfNull(targ);
        if (inp.Rank != 2 || inp.Size(1) != 1 || targ.Rank != 1 || targ.Size(0) != inp.Size(0) || inp.Size(0) == 0)
            throw new ArgumentException($"Mse: expects predictions of shape (n, 1) and targets of shape (n,) with n > 0, got {inp.ShapeString} and {targ.ShapeString}.");
        Inp = inp;
        Targ = targ;
        Out = (inp.Squeeze(-1) - targ).Pow(2).Mean();
        return Out;
    }

    /// <summary>dL/dinp = 2 (inp - targ) / n, as an (n, 1) column.</summary>
    public void Backward()
    {
        if (Inp is null || Targ is null)
            throw new InvalidOperationException("Mse.Backward: call Forward first.");
        Inp.Grad = (Inp.Squeeze(-1) - Targ).Unsqueeze(-1) * (2f / Targ.Size(0));
    }
}
