namespace Foundations;

/// <summary>The mean and standard deviation of one layer's output on one forward pass.</summary>
public sealed record LayerStat(int Step, int Layer, string Name, double Mean, double Std);
