namespace Course.Runner.Tests;

/// <summary>
/// notebooks/setup.dib when it fails, through the runner: a copy whose way to src/ leads to a library
/// that is not there, or to one that does not build. The run stops in the first cell with the cause and
/// what to do, as the kernel's guard makes every later cell say, never with the compiler errors of the
/// cells after it.
/// </summary>
public class FailedSetupTests
{
    /// <summary>A notebook that imports a copy of the real setup.dib whose library is <paramref name="library"/>, relative to the notebook.</summary>
    private static TestNotebook WithSetupAt(string library)
    {
        var notebook = new TestNotebook("#!import setup.dib", "Tensor.Zeros(2)");
        var setup = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "notebooks", "setup.dib"));
        notebook.WriteFile("setup.dib", setup.Replace("../src/", library, StringComparison.Ordinal));
        return notebook;
    }

    [Fact]
    public void Run_AMissingLibraryStopsTheFirstCellNamingTheDllsAndWhatToDo()
    {
        using var notebook = WithSetupAt("nowhere/");
        var (failure, output) = notebook.Fail();
        Assert.Contains("Missing from nowhere/Foundations.Interactive/bin/Release/net10.0: Foundations.dll, Foundations.Engine.dll", output);
        Assert.Contains("There is no nowhere/Foundations.Interactive to build them from", output);
        Assert.Contains("cell 1 failed (its first line: #!import setup.dib)", failure.Message);
        Assert.Contains("The set-up did not complete: run the first cell again after opening this notebook from the notebooks/ folder", failure.Message);
        Assert.DoesNotContain("restarting the kernel", failure.Message);   // the runner has no kernel to restart
        Assert.DoesNotContain("cell 2 of 2", output);
        Assert.DoesNotContain("error CS", failure.Message + output);
    }

    [Fact]
    public void Run_ABuildThatFailsStopsTheFirstCellWithTheBuildErrors()
    {
        using var notebook = WithSetupAt("lib/");
        var project = Directory.CreateDirectory(Path.Combine(notebook.Directory, "lib", "Foundations.Interactive")).FullName;
        File.WriteAllText(Path.Combine(project, "Foundations.Interactive.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(project, "Broken.cs"), "class Broken { int x = }");
        var (failure, output) = notebook.Fail();
        Assert.Contains("dotnet build failed (exit code 1)", output);
        Assert.Contains("Broken.cs(1,24): error CS1525", output);
        Assert.Contains("The set-up did not complete: run the first cell again after fixing the build error shown under it", failure.Message);
        Assert.DoesNotContain("cell 2 of 2", output);
    }
}
