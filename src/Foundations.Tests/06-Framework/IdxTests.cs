using System.Buffers.Binary;
using System.IO.Compression;

namespace Foundations.Tests;

public sealed class IdxTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string CommittedFile(string name) => Path.Combine(FashionMnist.FindDataDirectory(), name);

    // The reference numbers below were computed from the committed .gz files with a few lines of
    // /usr/bin/python3: gzip.open(...).read(), skip the 16-byte (images) or 8-byte (labels) header,
    // then sum(pixels), pixels[n*784 + row*28 + col], labels[:10] and collections.Counter(labels).
    private const double CommittedPixelSum = 573469082;

    [Fact]
    public void Read_CommittedTestImages_HasShapeAndKnownPixels()
    {
        Tensor images = Idx.Read(CommittedFile("t10k-images-idx3-ubyte.gz"));

        Assert.Equal(3, images.Rank);
        Assert.Equal([10000, 28, 28], images.Shape);
        float[] pixels = images.ToArray();
        Assert.Equal(CommittedPixelSum, pixels.Sum(p => (double)p));
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(255f, pixels.Max());
        Assert.Equal(110f, Pixel(pixels, 0, 14, 14));
        Assert.Equal(126f, Pixel(pixels, 0, 20, 10));
        Assert.Equal(248f, Pixel(pixels, 1, 5, 5));
        Assert.Equal(1f, Pixel(pixels, 123, 10, 12));
        Assert.Equal(132f, Pixel(pixels, 9999, 14, 14));
        Assert.Equal(33456.0, pixels.Take(784).Sum(p => (double)p));
        Assert.Equal(24390.0, pixels.TakeLast(784).Sum(p => (double)p));
    }

    private static float Pixel(float[] pixels, int image, int row, int column) =>
        pixels[image * 784 + row * 28 + column];

    [Fact]
    public void Read_CommittedTestLabels_HasShapeAndThousandOfEachClass()
    {
        Tensor labels = Idx.Read(CommittedFile("t10k-labels-idx1-ubyte.gz"));

        Assert.Equal(1, labels.Rank);
        Assert.Equal([10000], labels.Shape);
        float[] values = labels.ToArray();
        Assert.All(values, v => Assert.InRange(v, 0f, 9f));
        Assert.All(values, v => Assert.Equal(MathF.Round(v), v));
        var counts = values.GroupBy(v => (int)v).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()));
        Assert.Equal(Enumerable.Range(0, 10).Select(c => (c, 1000)), counts);
        Assert.Equal([9f, 2f, 1f, 1f, 6f, 1f, 4f, 6f, 5f, 7f], values.Take(10));
        Assert.Equal([8f, 1f, 5f], values.TakeLast(3));
    }

    [Fact]
    public void FashionMnist_Load_TestSplit_FlattensAndScalesToUnitRange()
    {
        var (images, labels) = FashionMnist.Load(FashionMnist.FindDataDirectory());

        Assert.Equal([10000, 784], images.Shape);
        Assert.Equal([10000], labels.Shape);
        float[] pixels = images.ToArray();
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        Assert.Equal(110f / 255f, pixels[14 * 28 + 14]);
        Assert.Equal(CommittedPixelSum / 255, pixels.Sum(p => (double)p), precision: 1);
        Assert.Equal(9f, labels.ToArray()[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
        Assert.Equal(10, FashionMnist.ClassNames.Length);
    }

    [Fact]
    public void FashionMnist_FindDataDirectory_FindsTheCommittedTestSet()
    {
        string directory = FashionMnist.FindDataDirectory();

        Assert.EndsWith(Path.Combine("data", "fashion-mnist"), directory);
        Assert.True(File.Exists(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")));
        Assert.True(File.Exists(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz")));
    }

    [Fact]
    public void FashionMnist_FindFullDataDirectory_NeedsBothSplits()
    {
        Assert.Null(FashionMnist.FindFullDataDirectory(FashionMnist.FindDataDirectory()));
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte" })
            File.WriteAllBytes(Path.Combine(_temp, name + ".gz"), []);
        Assert.Null(FashionMnist.FindFullDataDirectory(_temp));
        File.WriteAllBytes(Path.Combine(_temp, "t10k-labels-idx1-ubyte"), []);
        Assert.Equal(_temp, FashionMnist.FindFullDataDirectory(_temp));
    }

    [Fact]
    public void FashionMnist_Load_ReadsRawFilesAndTheTrainSplit()
    {
        var pixels = new double[2 * 28 * 28];
        pixels[0] = 255;
        pixels[^1] = 51;
        WriteIdx(Path.Combine(_temp, "train-images-idx3-ubyte"), 0x08, [2, 28, 28], pixels, gzip: false);
        WriteIdx(Path.Combine(_temp, "train-labels-idx1-ubyte"), 0x08, [2], [3, 7], gzip: false);

        var (images, labels) = FashionMnist.Load(_temp, "train");

        Assert.Equal([2, 784], images.Shape);
        Assert.Equal(1f, images.ToArray()[0]);
        Assert.Equal(0.2f, images.ToArray()[^1]);
        Assert.Equal([3f, 7f], labels.ToArray());
    }

    public static TheoryData<byte, bool, int[], double[]> RoundTripCases()
    {
        var cases = new TheoryData<byte, bool, int[], double[]>();
        (byte Code, int[] Shape, double[] Values)[] byType =
        [
            (0x08, [5], [0, 1, 127, 128, 255]),
            (0x09, [1, 5], [-128, -1, 0, 1, 127]),
            (0x0B, [2, 1, 3], [-32768, -1, 0, 1, 256, 32767]),
            (0x0C, [1, 2, 1, 2], [-16777216, -1, 65536, 16777216]),
            (0x0D, [2, 2], [-1.5, 0, 3.25, float.MaxValue]),
            (0x0E, [3], [-0.1, 0, 1e30]),
            (0x08, [0, 3], []),
        ];
        foreach (var (code, shape, values) in byType)
        {
            cases.Add(code, false, shape, values);
            cases.Add(code, true, shape, values);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void Read_RoundTripsEveryTypeGzippedAndRaw(byte typeCode, bool gzip, int[] shape, double[] values)
    {
        string path = Path.Combine(_temp, $"round-trip-{typeCode:X2}");
        WriteIdx(path, typeCode, shape, values, gzip);

        Tensor tensor = Idx.Read(path);

        Assert.Equal(shape, tensor.Shape);
        Assert.Equal(values.Select(v => (float)v), tensor.ToArray());
    }

    [Fact]
    public void Read_DetectsGzipByContentNotByName()
    {
        string rawNamedGz = Path.Combine(_temp, "raw.gz");
        string gzNamedRaw = Path.Combine(_temp, "gzipped.idx");
        WriteIdx(rawNamedGz, 0x08, [3], [1, 2, 3], gzip: false);
        WriteIdx(gzNamedRaw, 0x08, [3], [4, 5, 6], gzip: true);

        Assert.Equal([1f, 2f, 3f], Idx.Read(rawNamedGz).ToArray());
        Assert.Equal([4f, 5f, 6f], Idx.Read(gzNamedRaw).ToArray());
    }

    [Fact]
    public void Read_ThrowsFileNotFoundForMissingFile()
    {
        string path = Path.Combine(_temp, "missing-idx1-ubyte.gz");

        var error = Assert.Throws<FileNotFoundException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForWrongMagic()
    {
        string path = WriteBytes("wrong-magic", [0x50, 0x4B, 0x08, 0x01, 0, 0, 0, 1, 7]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("504B0801", error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForUnknownTypeCode()
    {
        string path = WriteBytes("unknown-type", [0, 0, 0x0A, 0x01, 0, 0, 0, 1, 7]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("0x0A", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Read_ThrowsInvalidDataForUnsupportedRank(byte rank)
    {
        string path = WriteBytes($"rank-{rank}", [0, 0, 0x08, rank, 0, 0, 0, 1]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains($"found {rank}", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ThrowsInvalidDataForTruncatedHeader(bool gzip)
    {
        // Rank 3 needs a 16-byte header; only the first dimension is present.
        string path = WriteBytes("truncated-header", [0, 0, 0x08, 0x03, 0, 0, 0, 2], gzip);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected 16 bytes", error.Message);
        Assert.Contains("found 8", error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForTooShortMagic()
    {
        string path = WriteBytes("two-bytes", [0, 0]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ThrowsInvalidDataForTruncatedData(bool gzip)
    {
        // Shape (2,3) of int16 needs 12 + 12 bytes; 5 data bytes are present.
        string path = WriteBytes("truncated-data", [0, 0, 0x0B, 0x02, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5], gzip);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("needs 24 bytes", error.Message);
        Assert.Contains("found 17", error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForDataLongerThanHeaderSays()
    {
        string path = WriteBytes("trailing-data", [0, 0, 0x08, 0x01, 0, 0, 0, 2, 1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("exactly 10 bytes", error.Message);
    }

    [Theory]
    [InlineData(0x7F, "too large")]
    [InlineData(0x01, "needs 1073741840 bytes")]
    public void Read_ThrowsInvalidDataForHeaderClaimingHugeData(byte highByte, string expected)
    {
        // Three dimensions of 0x7F000000 (or 1024) bytes: the reader must refuse, not allocate.
        byte[] dimension = highByte == 0x7F ? [0x7F, 0, 0, 0] : [0, 0, 0x04, 0];
        string path = WriteBytes("huge", [0, 0, 0x08, 0x03, .. dimension, .. dimension, .. dimension, 1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForNegativeDimension()
    {
        string path = WriteBytes("negative-dimension", [0, 0, 0x08, 0x01, 0xFF, 0xFF, 0xFF, 0xFE]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("-2", error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForCorruptGzip()
    {
        // A valid gzip header (magic, deflate, no flags) followed by bytes that are not deflate data.
        byte[] bytes = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        string path = WriteBytes("corrupt.gz", bytes);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForCutOffGzip()
    {
        string whole = Path.Combine(_temp, "whole.gz");
        WriteIdx(whole, 0x0D, [64, 64], Enumerable.Range(0, 64 * 64).Select(i => Math.Sin(i)).ToArray(), gzip: true);
        byte[] bytes = File.ReadAllBytes(whole);
        string path = WriteBytes("cut-off.gz", bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void FashionMnist_Load_ThrowsFileNotFoundForMissingSplit()
    {
        // The committed directory holds only the test split.
        string directory = FashionMnist.FindDataDirectory();

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(directory, "train"));

        Assert.Contains(directory, error.Message);
        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
    }

    [Fact]
    public void FashionMnist_Load_ThrowsFileNotFoundWhenLabelsAreMissing()
    {
        WriteIdx(Path.Combine(_temp, "t10k-images-idx3-ubyte.gz"), 0x08, [1, 28, 28], new double[784], gzip: true);

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_temp));

        Assert.Contains(_temp, error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void FashionMnist_Load_ThrowsInvalidDataForImagesOfWrongShape()
    {
        string imagesPath = Path.Combine(_temp, "t10k-images-idx3-ubyte");
        WriteIdx(imagesPath, 0x08, [2, 4, 4], new double[32], gzip: false);
        WriteIdx(Path.Combine(_temp, "t10k-labels-idx1-ubyte"), 0x08, [2], [0, 1], gzip: false);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp));

        Assert.Contains(imagesPath, error.Message);
        Assert.Contains("(2, 4, 4)", error.Message);
    }

    [Fact]
    public void FashionMnist_Load_ThrowsForUnknownSplitOrDirectory()
    {
        Assert.Throws<ArgumentException>(() => FashionMnist.Load(_temp, "validation"));
        string missing = Path.Combine(_temp, "nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing));
        Assert.Contains(missing, error.Message);
    }

    private string WriteBytes(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(_temp, name);
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(bytes);
        return path;
    }

    /// <summary>An IDX writer independent of the reader: header, then big-endian elements.</summary>
    private static void WriteIdx(string path, byte typeCode, int[] shape, double[] values, bool gzip)
    {
        var bytes = new List<byte> { 0, 0, typeCode, (byte)shape.Length };
        var buffer = new byte[8];
        foreach (int dimension in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, dimension);
            bytes.AddRange(buffer[..4]);
        }
        foreach (double value in values)
        {
            int size = typeCode switch
            {
                0x08 => Put(buffer, (byte)value),
                0x09 => Put(buffer, (byte)(sbyte)value),
                0x0B => PutInt16(buffer, (short)value),
                0x0C => PutInt32(buffer, (int)value),
                0x0D => PutSingle(buffer, (float)value),
                0x0E => PutDouble(buffer, value),
                _ => throw new ArgumentOutOfRangeException(nameof(typeCode)),
            };
            bytes.AddRange(buffer[..size]);
        }

        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Optimal) : file;
        stream.Write(bytes.ToArray());
    }

    private static int Put(byte[] buffer, byte value) { buffer[0] = value; return 1; }
    private static int PutInt16(byte[] buffer, short value) { BinaryPrimitives.WriteInt16BigEndian(buffer, value); return 2; }
    private static int PutInt32(byte[] buffer, int value) { BinaryPrimitives.WriteInt32BigEndian(buffer, value); return 4; }
    private static int PutSingle(byte[] buffer, float value) { BinaryPrimitives.WriteSingleBigEndian(buffer, value); return 4; }
    private static int PutDouble(byte[] buffer, double value) { BinaryPrimitives.WriteDoubleBigEndian(buffer, value); return 8; }
}
