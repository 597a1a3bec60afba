namespace Foundations;

/// <summary>
/// Finds a path of the repository, such as data/fashion-mnist, from wherever the code runs: a notebook
/// in notebooks/ or in an edition's folder under build/, a test in its bin/ folder.
/// </summary>
internal static class UpwardSearch
{
    /// <summary>
    /// <paramref name="relative"/> below <paramref name="start"/> or the nearest of its parents where
    /// <paramref name="exists"/> holds for it, or null when none does.
    /// </summary>
    public static string? Find(string start, string relative, Func<string, bool> exists)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (exists(candidate))
                return candidate;
        }
        return null;
    }
}
