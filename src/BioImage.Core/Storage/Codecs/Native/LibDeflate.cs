using System.Runtime.InteropServices;

namespace BioImage.Storage.Codecs.Native;

/// <summary>
/// The few functions of the system's libdeflate (libdeflate.h, Debian <c>libdeflate0</c>) that the gzip and zlib
/// codecs use: whole-buffer compression and decompression, no streaming state to set up per chunk.
/// </summary>
internal static class LibDeflate
{
    public const string Name = "libdeflate.so.0";

    /// <summary>libdeflate_result: LIBDEFLATE_SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>libdeflate_result: LIBDEFLATE_INSUFFICIENT_SPACE (the output does not fit).</summary>
    public const int InsufficientSpace = 3;

    [DllImport(Name, EntryPoint = "libdeflate_alloc_compressor")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint AllocateCompressor(int level);

    [DllImport(Name, EntryPoint = "libdeflate_alloc_decompressor")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint AllocateDecompressor();

    [DllImport(Name, EntryPoint = "libdeflate_free_compressor")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern void FreeCompressor(nint compressor);

    [DllImport(Name, EntryPoint = "libdeflate_gzip_compress")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint GzipCompress(nint compressor, ref byte source, nuint length, ref byte destination, nuint capacity);

    [DllImport(Name, EntryPoint = "libdeflate_zlib_compress")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint ZlibCompress(nint compressor, ref byte source, nuint length, ref byte destination, nuint capacity);

    [DllImport(Name, EntryPoint = "libdeflate_gzip_decompress_ex")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int GzipDecompress(nint decompressor, ref byte source, nuint length, ref byte destination, nuint capacity, out nuint consumed, out nuint produced);

    [DllImport(Name, EntryPoint = "libdeflate_zlib_decompress_ex")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int ZlibDecompress(nint decompressor, ref byte source, nuint length, ref byte destination, nuint capacity, out nuint consumed, out nuint produced);
}
