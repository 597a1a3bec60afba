namespace Foundations;

/// <summary>
/// Loads Fashion-MNIST (Zalando Research): 28x28 greyscale images of clothing in 10 classes.
/// The repository ships the 10k test split in data/fashion-mnist; <see cref="Load"/> also reads
/// any directory holding the original file names, e.g. one with the full train + test set.
/// </summary>
public static class FashionMnist
{
    /// <summary>Class names, indexed by label.</summary>
    public static readonly string[] ClassNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    public const int ImageSize = 28;
    public const int PixelCount = ImageSize * ImageSize;

    /// <summary>Where the data sits relative to the repository root.</summary>
    public static readonly string RelativeDataDirectory = Path.Combine("data", "fashion-mnist");

    /// <summary>
    /// Loads one split: images as float (N, 784) scaled to [0, 1], labels as float (N).
    /// </summary>
    /// <param name="directory">A directory holding the IDX files under their original names, gzipped or not.</param>
    /// <param name="split">"test" (the t10k-* files) or "train" (the train-* files).</param>
    public static (Tensor Images, Tensor Labels) Load(string directory, string split = "test")
    {
        ArgumentNullException.ThrowIfNull(directory);
        string prefix = split switch
        {
            "test" => "t10k",
            "train" => "train",
            _ => throw new ArgumentException($"split must be \"test\" or \"train\", not \"{split}\".", nameof(split)),
        };
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Fashion-MNIST directory not found: '{directory}'.");

        string imagesPath = FindFile(directory, $"{prefix}-images-idx3-ubyte", split);
        string labelsPath = FindFile(directory, $"{prefix}-labels-idx1-ubyte", split);

        var (pixels, imageShape) = Idx.ReadData(imagesPath);
        var (labels, labelShape) = Idx.ReadData(labelsPath);
        if (imageShape is not [var count, ImageSize, ImageSize])
            throw new InvalidDataException(
                $"'{imagesPath}': expected images of shape (N, {ImageSize}, {ImageSize}), found {Shapes.Format(imageShape)}.");
        if (labelShape is not [var labelCount] || labelCount != count)
            throw new InvalidDataException(
                $"'{labelsPath}': expected labels of shape ({count},) to match '{imagesPath}', found {Shapes.Format(labelShape)}.");

        // A bad label would load fine and fail much later as an index out of range.
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= ClassNames.Length || labels[i] != MathF.Floor(labels[i]))
                throw new InvalidDataException(
                    $"'{labelsPath}': label {i} is {labels[i]}, but the classes are numbered 0 to {ClassNames.Length - 1}.");
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] /= 255f;
        return (Tensor.FromArray(pixels, count, PixelCount), Tensor.FromArray(labels, count));
    }

    /// <summary>
    /// Finds data/fashion-mnist by walking up from the current directory, then from the
    /// directory of this assembly, so that notebooks in notebooks/ and tests in bin/ both find it.
    /// </summary>
    public static string FindDataDirectory()
    {
        var starts = new List<string> { Directory.GetCurrentDirectory(), AppContext.BaseDirectory };
        string assemblyLocation = typeof(FashionMnist).Assembly.Location;
        if (assemblyLocation.Length > 0)
            starts.Add(Path.GetDirectoryName(assemblyLocation)!);
        starts = starts.Select(Path.TrimEndingDirectorySeparator).Distinct().ToList();

        foreach (string start in starts)
            if (UpwardSearch.Find(start, RelativeDataDirectory, Directory.Exists) is { } found)
                return found;
        throw new DirectoryNotFoundException(
            $"Could not find '{RelativeDataDirectory}' in any parent of: {string.Join(", ", starts.Select(s => $"'{s}'"))}.");
    }

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the full set (60k train, 10k test).</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The directory of the full set, train and test splits, when Debian's package is installed; null
    /// otherwise, and then only the committed test split (<see cref="FindDataDirectory"/>) is at hand.
    /// </summary>
    public static string? FindFullDataDirectory() => FindFullDataDirectory(DebianDirectory);

    /// <summary>As <see cref="FindFullDataDirectory()"/>, looking in <paramref name="directory"/>.</summary>
    public static string? FindFullDataDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        bool Has(string name) => File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + ".gz"));
        return Directory.Exists(directory)
            && Has("train-images-idx3-ubyte") && Has("train-labels-idx1-ubyte")
            && Has("t10k-images-idx3-ubyte") && Has("t10k-labels-idx1-ubyte") ? directory : null;
    }

    /// <summary>Returns the raw file if present, else the gzipped one.</summary>
    private static string FindFile(string directory, string name, string split)
    {
        string[] candidates = [Path.Combine(directory, name), Path.Combine(directory, name + ".gz")];
        return Array.Find(candidates, File.Exists)
            ?? throw new FileNotFoundException(
                $"No {split} split in '{directory}': looked for '{name}' and '{name}.gz'.", candidates[1]);
    }
}
