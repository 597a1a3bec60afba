namespace Course.Runner;

/// <summary>An exception as a learner wants to read it: its type, message and the frames of the cells and the library.</summary>
public static class StackTraces
{
    /// <summary>Frames of the scripting engine and of await plumbing say nothing about the notebook.</summary>
    private static readonly string[] Hidden =
    [
        "at Microsoft.CodeAnalysis.", "at System.Runtime.CompilerServices.", "at System.Runtime.ExceptionServices.",
        "at System.Threading.Tasks.", "--- End of stack trace from previous location ---",
    ];

    public static string Shorten(Exception error)
    {
        var lines = error.ToString().Split('\n').Select(line => line.TrimEnd('\r'));
        return string.Join('\n', lines.Where(line => !Hidden.Any(hidden => line.TrimStart().StartsWith(hidden, StringComparison.Ordinal))));
    }
}
