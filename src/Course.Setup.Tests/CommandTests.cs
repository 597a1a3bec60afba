using Course.Setup;

namespace Course.Setup.Tests;

public sealed class CommandTests
{
    [Fact]
    public void FindOnPath_FindsAnExecutable_InTheFirstFolderThatHasOne()
    {
        var folders = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("course-setup-path-").FullName).ToArray();
        try
        {
            var notExecutable = Path.Combine(folders[0], "jupyter");
            File.WriteAllText(notExecutable, "");
            var executable = Path.Combine(folders[1], "jupyter");
            File.WriteAllText(executable, "");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(notExecutable, UnixFileMode.UserRead);
                File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                Assert.Equal(executable, Command.FindOnPath("jupyter", string.Join(':', folders), windows: false));
            }
            Assert.Null(Command.FindOnPath("jupyter", folders[2], windows: false));
            Assert.Null(Command.FindOnPath("jupyter", null, windows: false));
        }
        finally
        {
            foreach (var folder in folders) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FindOnPath_TriesPathExtOnWindows()
    {
        var folder = Directory.CreateTempSubdirectory("course-setup-path-").FullName;
        try
        {
            // Upper case, as PATHEXT spells it: Windows matches names case-insensitively, this machine may not.
            File.WriteAllText(Path.Combine(folder, "jupyter.EXE"), "");
            Assert.Equal(Path.Combine(folder, "jupyter.EXE"), Command.FindOnPath("jupyter", $"{folder};C:\\nowhere", windows: true, ".COM;.EXE"));
            Assert.Null(Command.FindOnPath("jupyter", folder, windows: true, ".CMD"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Tail_KeepsTheLastNonEmptyLines()
    {
        Assert.Equal($"c{Environment.NewLine}d", Command.Tail("a\r\nb\n\nc\n  \nd\n", 2));
        Assert.Equal("a", Command.Tail("a", 5));
    }

    [Fact]
    public void Run_ReportsTheExitCodeAndKeepsStandardOutputApart()
    {
        var dotnet = Command.Dotnet();
        Assert.True(File.Exists(dotnet), $"{dotnet} does not exist");
        var version = Command.Run(dotnet, ["--version"], Path.GetTempPath(), new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1" });
        Assert.True(version.Succeeded, version.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.StandardOutput);
        var missing = Command.Run(Path.Combine(Path.GetTempPath(), "no-such-program-here"), [], Path.GetTempPath(), new Dictionary<string, string>());
        Assert.False(missing.Succeeded);
        Assert.Contains("could not start", missing.Output);
    }
}
