using System.Runtime.InteropServices;

namespace BioImage.Storage.Codecs.Native;

/// <summary>
/// The few functions of the system's libzstd (zstd.h, stable API) that the zstd and blosc codecs use. Buffers are
/// passed as <c>ref byte</c>, which the marshaller pins for the duration of the call.
/// </summary>
internal static partial class LibZstd
{
    public const string Name = "libzstd.so.1";

    /// <summary>ZSTD_c_compressionLevel.</summary>
    public const int CompressionLevelParameter = 100;

    /// <summary>ZSTD_c_checksumFlag.</summary>
    public const int ChecksumFlagParameter = 201;

    [DllImport(Name, EntryPoint = "ZSTD_createDCtx")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint CreateDecompressionContext();

    [DllImport(Name, EntryPoint = "ZSTD_createCCtx")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint CreateCompressionContext();

    [DllImport(Name, EntryPoint = "ZSTD_decompressDCtx")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint Decompress(nint context, ref byte destination, nuint capacity, ref byte source, nuint length);

    [DllImport(Name, EntryPoint = "ZSTD_CCtx_setParameter")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint SetParameter(nint context, int parameter, int value);

    [DllImport(Name, EntryPoint = "ZSTD_compress2")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint Compress(nint context, ref byte destination, nuint capacity, ref byte source, nuint length);

    [DllImport(Name, EntryPoint = "ZSTD_compressBound")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nuint CompressBound(nuint length);

    [DllImport(Name, EntryPoint = "ZSTD_isError")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern uint IsError(nuint code);

    [DllImport(Name, EntryPoint = "ZSTD_getErrorName")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint GetErrorName(nuint code);

    public static string ErrorName(nuint code) => Marshal.PtrToStringAnsi(GetErrorName(code)) ?? "unknown error";
}
