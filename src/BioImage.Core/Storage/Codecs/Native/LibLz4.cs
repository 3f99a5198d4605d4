using System.Runtime.InteropServices;

namespace BioImage.Storage.Codecs.Native;

/// <summary>The few functions of the system's liblz4 (lz4.h / lz4hc.h block API) that the lz4 and blosc codecs use.</summary>
internal static class LibLz4
{
    public const string Name = "liblz4.so.1";

    [DllImport(Name, EntryPoint = "LZ4_decompress_safe")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int DecompressSafe(ref byte source, ref byte destination, int compressedLength, int capacity);

    [DllImport(Name, EntryPoint = "LZ4_compress_fast")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int CompressFast(ref byte source, ref byte destination, int length, int capacity, int acceleration);

    [DllImport(Name, EntryPoint = "LZ4_compress_HC")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int CompressHighCompression(ref byte source, ref byte destination, int length, int capacity, int level);
}
