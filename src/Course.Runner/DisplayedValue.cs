namespace Course.Runner;

/// <summary>What <c>display</c>, <c>Display</c> and <c>DisplayAs</c> return, as the kernel's type of the same name.</summary>
public sealed class DisplayedValue(CellOutput output, IReadOnlyList<string> mimeTypes)
{
    /// <summary>Shows <paramref name="value"/> in place of the earlier one; in a terminal, on a new line.</summary>
    public void Update(object? value) => output.Show(value, mimeTypes);
}
