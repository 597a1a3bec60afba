namespace Course.Runner.Tests;

/// <summary>The repository that holds these tests, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Foundations.slnx"))) return directory.FullName;
        throw new InvalidOperationException($"no Foundations.slnx above {AppContext.BaseDirectory}");
    }
}
