using System.Runtime.InteropServices;

namespace BioImage.Storage.Codecs.Native;

/// <summary>
/// Whether the system's native compression libraries are used. Debian's <c>libzstd.so.1</c> and
/// <c>liblz4.so.1</c> decode 2–3× faster than the managed ports (ZstdSharp, K4os), and <c>libdeflate.so.0</c>
/// compresses gzip/zlib at level 1 several times faster than System.IO.Compression's zlib-ng (and decodes faster);
/// when a library is missing, or <see cref="PreferNative"/> is false (or the environment sets
/// <c>BIOIMAGE_NATIVE_CODECS=0</c>), the managed package or System.IO.Compression is used instead. Both paths
/// produce and accept the same formats.
/// </summary>
public static class NativeCodecs
{
    private static readonly Lazy<bool> ZstdPresent = new(() => Probe(LibZstd.Name));
    private static readonly Lazy<bool> Lz4Present = new(() => Probe(LibLz4.Name));
    private static readonly Lazy<bool> DeflatePresent = new(() => Probe(LibDeflate.Name));

    /// <summary>Use the native libraries when present (default: true unless <c>BIOIMAGE_NATIVE_CODECS=0</c>).</summary>
    public static bool PreferNative { get; set; } = Environment.GetEnvironmentVariable("BIOIMAGE_NATIVE_CODECS") != "0";

    /// <summary>True when zstd runs through the system's libzstd.</summary>
    public static bool UseNativeZstd => PreferNative && ZstdPresent.Value;

    /// <summary>True when lz4 runs through the system's liblz4.</summary>
    public static bool UseNativeLz4 => PreferNative && Lz4Present.Value;

    /// <summary>True when gzip and zlib run through the system's libdeflate.</summary>
    public static bool UseNativeDeflate => PreferNative && DeflatePresent.Value;

    private static bool Probe(string library)
    {
        if (!NativeLibrary.TryLoad(library, typeof(NativeCodecs).Assembly, null, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
