using System.Diagnostics;
using System.IO.Compression;

namespace Foundations.Tests;

/// <summary>
/// Files that are not what they claim: a header promising gigabytes, a pipe, a directory, a broken
/// gzip, a label out of range. Each is refused with the file's name, without allocating or hanging.
/// </summary>
public sealed class IdxResourceTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("idx-resource-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Read_OfATinyGzipClaimingTwoGigabytes_FailsWithoutAllocatingThem()
    {
        // Rank 1, 2,147,483,000 unsigned bytes claimed; four present. Gzipped, the file is ~40 bytes.
        string path = Path.Combine(_temp, "claims-2gb.gz");
        WriteGzip(path, [0, 0, 0x08, 0x01, 0x7F, 0xFF, 0xFD, 0x78, 1, 2, 3, 4]);
        Assert.True(new FileInfo(path).Length < 64);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes for a {new FileInfo(path).Length}-byte file");
        Assert.Contains(path, error.Message);
        Assert.Contains("2147483000 elements", error.Message);
        Assert.Contains("found 12", error.Message);
    }

    [Fact]
    public void Read_OfAGzipWhoseDataArrivesInManyChunks_ReadsItAll()
    {
        // 3 MiB of data: more than the first chunk, so the buffer must grow as the data arrives.
        int n = 3 << 20;
        var bytes = new byte[8 + n];
        bytes[2] = 0x08; bytes[3] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), n);
        for (int i = 0; i < n; i++) bytes[8 + i] = (byte)(i % 251);
        string path = Path.Combine(_temp, "big.gz");
        WriteGzip(path, bytes);

        var t = Idx.Read(path);

        Assert.Equal([n], t.Shape);
        Assert.Equal((n - 1) % 251, t.GetValue(n - 1));
    }

    [Fact]
    public void Read_OfADirectory_SaysItIsADirectory()
    {
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_temp));

        Assert.Contains(_temp, error.Message);
        Assert.Contains("is a directory", error.Message);
    }

    [Fact]
    public async Task Read_OfANamedPipeWithNoWriter_SaysItIsAPipe_InsteadOfBlocking()
    {
        if (OperatingSystem.IsWindows()) return;
        string fifo = Path.Combine(_temp, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var read = Task.Run(() => Idx.Read(fifo));
        var first = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20)));
        if (first != read)
        {
            // Release the blocked reader (opening for writing completes its open) so the test run can end.
            using (File.OpenWrite(fifo)) { }
            Assert.Fail("Idx.Read blocked on a named pipe with no writer.");
        }
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => read);
        Assert.Contains(fifo, error.Message);
        Assert.Contains("named pipe", error.Message);
    }

    [Fact]
    public void Read_OfACharacterDevice_SaysItIsADevice()
    {
        if (!File.Exists("/dev/zero")) return;

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read("/dev/zero"));

        Assert.Contains("/dev/zero", error.Message);
        Assert.Contains("character device", error.Message);
    }

    [Fact]
    public void Read_OfAGzipWithAnUnknownCompressionMethod_SaysTheFileIsNotValidGzip()
    {
        // The gzip magic, then compression method 7 (only 8, deflate, exists).
        string path = Path.Combine(_temp, "method7.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 0x07, 0, 0, 0, 0, 0, 0, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8]);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a valid gzip file", error.Message);
    }

    [Fact]
    public void FashionMnist_Load_RefusesALabelOutsideTheClasses_NamingFileIndexAndValue()
    {
        var images = new byte[16 + 3 * 28 * 28];
        images[2] = 0x08; images[3] = 0x03;
        images[7] = 3; images[11] = 28; images[15] = 28;
        File.WriteAllBytes(Path.Combine(_temp, "t10k-images-idx3-ubyte"), images);
        string labels = Path.Combine(_temp, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(labels, [0, 0, 0x08, 0x01, 0, 0, 0, 3, 4, 200, 9]);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp));

        Assert.Contains(labels, error.Message);
        Assert.Contains("label 1", error.Message);
        Assert.Contains("200", error.Message);
        Assert.Contains("0 to 9", error.Message);
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(bytes);
    }
}
