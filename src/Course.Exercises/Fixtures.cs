using System.Text.Json;

namespace Course.Exercises;

/// <summary>
/// Reads the reference tensors that real PyTorch wrote (src/Foundations.Tests/Fixtures/make_fixtures.py),
/// so a notebook or a test can set our results beside PyTorch's.
/// </summary>
/// <remarks>
/// A fixture file is a JSON object whose <c>tensors</c> member maps names to
/// <c>{"shape": [..], "data": [flat row-major values]}</c>; NaN and infinities are the strings
/// "nan", "inf" and "-inf", since JSON has no numbers for them.
/// </remarks>
public static class Fixtures
{
    /// <summary>Where the fixture files live, relative to the repository's root.</summary>
    public static readonly string RelativeDirectory = Path.Combine("src", "Foundations.Tests", "Fixtures");

    /// <summary>
    /// The path of the fixture file <paramref name="name"/> (e.g. "lin_relu_lin_mse.json"), looked for in
    /// <see cref="RelativeDirectory"/> below the working directory and each of its parents, so a notebook
    /// finds it from whichever folder of the repository it runs in.
    /// </summary>
    public static string Find(string name) => Find(name, Directory.GetCurrentDirectory());

    /// <summary>As <see cref="Find(string)"/>, starting from <paramref name="start"/> instead of the working directory.</summary>
    public static string Find(string name, string start)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(start);
        if (name.Length == 0 || Path.GetFileName(name) != name)
            throw new ArgumentException($"Fixtures.Find: give a file name such as \"lin_relu_lin_mse.json\", not '{name}'.", nameof(name));
        string relative = Path.Combine(RelativeDirectory, name);
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Fixtures.Find: no '{relative}' below '{start}' or any of its parents.", name);
    }

    /// <summary>Every tensor in the file's <c>tensors</c> object, by name (e.g. "w1.grad").</summary>
    public static IReadOnlyDictionary<string, Tensor> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Fixtures.Load: no fixture file at '{Path.GetFullPath(path)}'.", path);
        using var document = Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("tensors", out var tensors)
            || tensors.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"Fixtures.Load: '{path}' has no \"tensors\" object.");
        var result = new Dictionary<string, Tensor>();
        foreach (var entry in tensors.EnumerateObject())
            result[entry.Name] = ReadTensor(entry.Value, path, entry.Name);
        return result;
    }

    internal static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Fixtures.Load: '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>One <c>{"shape", "data"}</c> entry as a tensor; <paramref name="path"/> and <paramref name="key"/> name it in errors.</summary>
    internal static Tensor ReadTensor(JsonElement entry, string path, string key)
    {
        InvalidDataException Bad(string problem) => new($"Fixtures.Load: '{path}', tensor \"{key}\": {problem}");

        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Array)
            throw Bad("expected an object with a \"shape\" array and a \"data\" array.");

        var shape = new int[shapeElement.GetArrayLength()];
        int d = 0;
        foreach (var size in shapeElement.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out shape[d]) || shape[d] < 0)
                throw Bad($"shape entry {d} ({size.GetRawText()}) is not a non-negative integer.");
            d++;
        }

        long expected = 1;
        foreach (int size in shape) expected *= size;
        int count = dataElement.GetArrayLength();
        if (count != expected)
            throw Bad($"shape {Shapes.Format(shape)} needs {expected} values, but data has {count}.");

        var data = new float[count];
        int i = 0;
        foreach (var value in dataElement.EnumerateArray())
        {
            data[i] = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetSingle(out float f) => f,
                JsonValueKind.String => value.GetString() switch
                {
                    "nan" => float.NaN,
                    "inf" => float.PositiveInfinity,
                    "-inf" => float.NegativeInfinity,
                    _ => throw Bad($"data entry {i} ({value.GetRawText()}) is not a number, \"nan\", \"inf\" or \"-inf\"."),
                },
                _ => throw Bad($"data entry {i} ({value.GetRawText()}) is not a number."),
            };
            i++;
        }
        return Tensor.FromArray(data, shape);
    }
}
