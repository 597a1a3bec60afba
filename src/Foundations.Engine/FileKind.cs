using System.Runtime.InteropServices;

namespace Foundations.Engine;

/// <summary>
/// What a path names: a regular file, a directory, a pipe, a device... Readers need this before
/// opening, because opening a named pipe with no writer blocks forever, and .NET reports a pipe or
/// a device as an ordinary file (File.Exists is true, Attributes is Normal).
/// </summary>
public static partial class FileKind
{
    /// <summary>"regular file", "directory", "named pipe (FIFO)"..., or "missing".</summary>
    public static string Of(string path)
    {
        if (Directory.Exists(path)) return "directory";
        if (!File.Exists(path)) return "missing";
        if (OperatingSystem.IsWindows()) return "regular file";
        return UnixFileType(path) switch
        {
            null or 0x8000 => "regular file",
            0x1000 => "named pipe (FIFO)",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            0x4000 => "directory",
            var other => $"special file (type 0x{other:X4})",
        };
    }

    // The runtime's own stat shim (libSystem.Native ships with every .NET on Unix). Its FileStatus
    // struct is defined by .NET, the same on every platform: Flags, then Mode, which carries the
    // S_IFMT file-type bits unchanged. The buffer is larger than the struct, in case it grows.
    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* status);

    private static unsafe int? UnixFileType(string path)
    {
        try
        {
            byte* status = stackalloc byte[512];
            if (Stat(path, status) != 0) return null;
            return *(int*)(status + 4) & 0xF000;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without the shim we cannot tell; the caller's open then behaves as before.
            return null;
        }
    }
}
