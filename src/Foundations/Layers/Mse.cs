namespace Foundations;

/// <summary>Mean squared error between predictions of shape (n, 1) and targets of shape (n).</summary>
public sealed class Mse
{
    private readonly GradientSlot inputGradient = new();
    private bool backwardDone;

    public Tensor? Inp { get; private set; }
    public Tensor? Targ { get; private set; }
    public Tensor? Out { get; private set; }

    /// <summary>As <see cref="Module.ReuseBuffers"/>: Backward writes into the previous step's gradient tensor.</summary>
    public bool ReuseBuffers { get; set; }

    /// <summary>L = mean((inp[:, 0] - targ)²), a 0-d tensor.</summary>
    public Tensor Forward(Tensor inp, Tensor targ)
    {
        ArgumentNullException.ThrowIfNull(inp);
        ArgumentNullException.ThrowIfNull(targ);
        if (inp.Rank != 2 || inp.Size(1) != 1 || targ.Rank != 1 || targ.Size(0) != inp.Size(0) || inp.Size(0) == 0)
            throw new ArgumentException($"Mse: expects predictions of shape (n, 1) and targets of shape (n,) with n > 0, got {inp.ShapeString} and {targ.ShapeString}.");
        Inp = inp;
        Targ = targ;
        int n = targ.Size(0);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double e = inp[i, 0] - targ.GetValue(i);
            sum += e * e;
        }
        Out = Tensor.Scalar((float)(sum / n));
        backwardDone = false;
        return Out;
    }

    /// <summary>dL/dinp += 2 (inp - targ) / n, as an (n, 1) column (added to <c>Inp.Grad</c>, as <see cref="Module"/> does).</summary>
    public void Backward()
    {
        if (Inp is null || Targ is null)
            throw new InvalidOperationException("Mse.Backward: call Forward first.");
        if (backwardDone)
            throw new InvalidOperationException("Mse.Backward: this forward pass has already been through Backward, and gradients add up, so a second time would count it twice; run Forward again.");
        int n = Targ.Size(0);
        var share = inputGradient.Destination(Inp, ReuseBuffers);
        Inp.SubInto(Targ.Unsqueeze(1), share);
        GradientSlot.Accumulate(Inp, share.MulInto(Tensor.Scalar(2f / n), share));
        backwardDone = true;
    }
}
