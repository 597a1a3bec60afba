namespace Course.Tests;

/// <summary>A throwaway HTML page for testing the checks themselves; deleted on dispose.</summary>
public sealed class HandoutTemporaryPage : IDisposable
{
    public HandoutTemporaryPage(string name, string body)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "handout-tests");
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, $"{name}-{Guid.NewGuid():N}.html");
        File.WriteAllText(Path, $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{name}</title></head><body>\n{body}\n</body></html>\n");
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
