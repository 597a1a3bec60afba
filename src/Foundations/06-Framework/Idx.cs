using System.Buffers.Binary;
using System.IO.Compression;
using Foundations.Engine;

namespace Foundations;

/// <summary>
/// Reads the IDX format used by MNIST and Fashion-MNIST, gzipped or raw.
/// </summary>
/// <remarks>
/// Layout: two zero bytes, a type code, the rank, then one big-endian int32 per dimension,
/// then the elements in row-major order, big-endian. Gzip is recognised by its magic bytes
/// (1f 8b), not by the file name, so a renamed or already-unpacked file reads the same.
/// </remarks>
public static class Idx
{
    private readonly record struct ElementType(byte Code, int Size, string Name);

    private static readonly ElementType[] ElementTypes =
    [
        new(0x08, 1, "unsigned byte"),
        new(0x09, 1, "signed byte"),
        new(0x0B, 2, "int16"),
        new(0x0C, 4, "int32"),
        new(0x0D, 4, "float32"),
        new(0x0E, 8, "float64"),
    ];

    private const int MaxRank = 4;

    /// <summary>
    /// Reads an IDX file into a float32 tensor of the file's shape.
    /// int32 values above 2^24 and float64 values lose precision in the conversion.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Bad header, truncated or over-long data, or corrupt gzip.</exception>
    public static Tensor Read(string path)
    {
        var (data, shape) = ReadData(path);
        return Tensor.FromArray(data, shape);
    }

    /// <summary>The worker behind <see cref="Read"/>; callers that rescale the data in place use it to skip a copy.</summary>
    internal static (float[] Data, int[] Shape) ReadData(string path)
    {
        Require.NotNull(path, "Idx.Read");
        string kind = FileKind.Of(path);
        if (kind == "missing")
            throw new FileNotFoundException($"IDX file not found: '{path}'.", path);
        // Opening a pipe with no writer would block forever; a directory or a device is never an IDX file.
        if (kind != "regular file")
            throw new InvalidDataException($"'{path}' is a {kind}, not a regular file; Idx.Read reads IDX files only.");

        using var file = File.OpenRead(path);
        bool gzipped = StartsWithGzipMagic(file);
        using Stream stream = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Parse(stream, path);
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static (float[] Data, int[] Shape) Parse(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = ReadFully(stream, magic, path);
        if (read < 4)
            throw FormatError(path, $"expected a 4-byte magic number, found only {read} byte(s)");
        if (magic[0] != 0 || magic[1] != 0)
            throw FormatError(path, $"expected magic number 00 00 <type> <rank>, found {Convert.ToHexString(magic)}");

        byte code = magic[2];
        ElementType type = Array.Find(ElementTypes, t => t.Code == code);
        if (type.Size == 0)
            throw FormatError(path, $"expected a type code in {{08, 09, 0B, 0C, 0D, 0E}}, found 0x{code:X2}");
        int rank = magic[3];
        if (rank is 0 or > MaxRank)
            throw FormatError(path, $"expected rank 1 to {MaxRank}, found {rank}");

        int headerSize = 4 + 4 * rank;
        Span<byte> dims = stackalloc byte[4 * rank];
        read = ReadFully(stream, dims, path);
        if (read < dims.Length)
            throw FormatError(path, $"truncated header: expected {headerSize} bytes for rank {rank}, found {4 + read}");

        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dims[(4 * i)..]);
            if (shape[i] < 0)
                throw FormatError(path, $"expected non-negative dimensions, found {shape[i]} at dimension {i}");
        }
        // Checked after every factor: four int32 dimensions can overflow a long.
        long count = shape.Contains(0) ? 0 : 1;
        foreach (int size in shape)
        {
            count *= size;
            if (count > Array.MaxLength / type.Size)
                throw FormatError(path, $"shape {Shapes.Format(shape)} of {type.Name} is too large to load");
        }

        long expected = headerSize + count * type.Size;
        // A raw file's length is known up front, so a bad header cannot make us allocate gigabytes.
        if (stream.CanSeek && stream.Length < expected)
            throw Truncated(path, shape, type, count, expected, stream.Length);
        var payload = ReadPayload(stream, (int)(count * type.Size), path);
        if (payload.Length < count * type.Size)
            throw Truncated(path, shape, type, count, expected, headerSize + payload.Length);
        if (ReadFully(stream, stackalloc byte[1], path) != 0)
            throw FormatError(path, $"expected exactly {expected} bytes for shape {Shapes.Format(shape)} of {type.Name}, found more");

        return (Decode(payload, type, (int)count), shape);
    }

    private static float[] Decode(ReadOnlySpan<byte> bytes, ElementType type, int count)
    {
        var values = new float[count];
        switch (type.Code)
        {
            case 0x08: for (int i = 0; i < count; i++) values[i] = bytes[i]; break;
            case 0x09: for (int i = 0; i < count; i++) values[i] = (sbyte)bytes[i]; break;
            case 0x0B: for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..]); break;
            case 0x0C: for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..]); break;
            case 0x0D: for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * i)..]); break;
            case 0x0E: for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(bytes[(8 * i)..]); break;
        }
        return values;
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    /// <remarks>Only <see cref="GZipStream"/> throws <see cref="InvalidDataException"/> while reading.</remarks>
    private static int ReadFully(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid gzip file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes. A gzip stream's length is unknown until read, so the
    /// buffer starts small and doubles only as data arrives: a 40-byte file whose header claims 2 GB
    /// costs a megabyte, not 2 GB. Returns fewer bytes if the stream ends early.
    /// </summary>
    private static byte[] ReadPayload(Stream stream, int length, string path)
    {
        const int FirstChunk = 1 << 20;
        var buffer = new byte[Math.Min(length, FirstChunk)];
        int total = 0;
        while (true)
        {
            total += ReadFully(stream, buffer.AsSpan(total), path);
            if (total < buffer.Length || total == length) break;
            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }

    private static InvalidDataException Truncated(string path, int[] shape, ElementType type, long count, long expected, long actual) =>
        FormatError(path, $"truncated data: shape {Shapes.Format(shape)} claims {count} elements of {type.Name} and so needs {expected} bytes, found {actual}");

    private static InvalidDataException FormatError(string path, string problem) =>
        new($"'{path}' is not a valid IDX file: {problem}.");
}
