namespace Course.Runner;

/// <summary>
/// The members that .NET Interactive puts in scope for every C# cell and that the notebooks use.
/// Roslyn scripting makes the public members of this object visible to the cells by name.
/// </summary>
public sealed class KernelGlobals(CellOutput output)
{
    /// <summary>
    /// The kernel's <c>display(value)</c>: shows a value now, before the cell ends, and returns a
    /// handle whose <see cref="DisplayedValue.Update"/> shows a new value in its place.
    /// </summary>
#pragma warning disable IDE1006 // the kernel's own lower-case name, which the notebooks call
    public DisplayedValue display(object? value, params string[] mimeTypes) => output.Display(value, mimeTypes);
#pragma warning restore IDE1006
}
