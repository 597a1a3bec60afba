namespace Course.Runner.Tests;

/// <summary>The repository that holds these tests, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = RunnerArguments.RepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no Foundations.slnx above {AppContext.BaseDirectory}");
}
