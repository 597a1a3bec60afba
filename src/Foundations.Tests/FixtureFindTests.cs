using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>A notebook finds the PyTorch fixtures from any folder of the repository, and a wrong name is named.</summary>
public sealed class FixtureFindTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fixture-find-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

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
}
