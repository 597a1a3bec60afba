using Course.Runner;

/// <summary>
/// The kernel's <c>x.Display()</c> and <c>html.DisplayAs("text/html")</c>, which a static method in a cell
/// can call where it cannot reach <c>display</c>.
/// </summary>
/// <remarks>
/// The formatting assembly that Foundations.Interactive brings has methods of these names in
/// <c>System.DisplayExtensions</c>, which report to the kernel through an internal event that nothing
/// hears in a terminal. This class is in the global namespace so that C# finds it before any
/// namespace a cell imports, and the runner's versions are the ones called.
/// </remarks>
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) => CellOutput.Current.Display(value, mimeTypes);

    /// <summary>Shows a string that is already in <paramref name="mimeType"/>, such as an HTML table.</summary>
    public static DisplayedValue DisplayAs(this string value, string mimeType) => CellOutput.Current.Display(value, [mimeType]);
}
