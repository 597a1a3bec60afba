namespace Foundations;

/// <summary>
/// The mean and standard deviation of one layer's output on one forward pass. <see cref="Layer"/> 0 is
/// the network's input, layer k the output of the k-th layer.
/// </summary>
public sealed record LayerStat(int Step, int Layer, string Name, double Mean, double Std);
