namespace Course.Exercises.Tests;

/// <summary>A notebook finds the PyTorch fixtures from any folder of the repository, and a wrong name is named.</summary>
public sealed class FixtureFindTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fixture-find-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void AssertThrowsNaming<T>(Action action, params string[] fragments) where T : Exception
    {
        var e = Assert.ThrowsAny<T>(action);
        foreach (var fragment in fragments)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal),
                $"{e.GetType().Name} message \"{e.Message}\" does not mention \"{fragment}\"");
    }

    [Fact]
    public void Find_WalksUpFromADeeperFolder()
    {
        var fixtures = Directory.CreateDirectory(Path.Combine(_root, Fixtures.RelativeDirectory)).FullName;
        File.WriteAllText(Path.Combine(fixtures, "a.json"), "{}");
        var deep = Directory.CreateDirectory(Path.Combine(_root, "build", "editions", "learner")).FullName;

        Assert.Equal(Path.Combine(fixtures, "a.json"), Fixtures.Find("a.json", deep));
        Assert.Equal(Path.Combine(fixtures, "a.json"), Fixtures.Find("a.json", Path.Combine(_root, "notebooks")));
    }

    [Fact]
    public void Find_NamesWhatItLookedForAndWhere()
    {
        AssertThrowsNaming<FileNotFoundException>(() => Fixtures.Find("missing.json", _root), "missing.json", _root);
    }

    [Fact]
    public void Find_RefusesAPathInsteadOfAName()
    {
        AssertThrowsNaming<ArgumentException>(() => Fixtures.Find("../x.json", _root), "Fixtures.Find", "file name");
    }

    [Fact]
    public void Find_FindsTheCommittedFixtureFromTheNotebooksAndFromTheTests()
    {
        // notebooks/05 calls Fixtures.Load(Fixtures.Find("lin_relu_lin_mse.json")) from the notebooks' folder;
        // the tests (and the terminal runner) start below src/.
        var fromTests = Fixtures.Find("lin_relu_lin_mse.json", AppContext.BaseDirectory);
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fromTests)!, "..", "..", ".."));
        Assert.True(File.Exists(Path.Combine(root, "Foundations.slnx")), $"{fromTests} is not in the repository's {Fixtures.RelativeDirectory}");
        Assert.Equal(fromTests, Fixtures.Find("lin_relu_lin_mse.json", Path.Combine(root, "notebooks")));
        Assert.Contains("w1.grad", Fixtures.Load(fromTests).Keys);
    }
}
