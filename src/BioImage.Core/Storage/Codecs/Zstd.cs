using System.Runtime.InteropServices;
using BioImage.Storage.Codecs.Native;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace BioImage.Storage.Codecs;

/// <summary>
/// Zstandard frames (RFC 8878) through libzstd when present, else ZstdSharp. One decompression and one compression
/// context per thread, reused (creating one costs more than decoding a small chunk).
/// </summary>
internal static class Zstd
{
    [ThreadStatic]
    private static nint _nativeDecoder;

    [ThreadStatic]
    private static nint _nativeEncoder;

    [ThreadStatic]
    private static Decompressor? _managedDecoder;

    /// <summary>Upper bound of a compressed frame (ZSTD_COMPRESSBOUND).</summary>
    public static long CompressBound(long length) => length + (length >> 8) + (length < 128 << 10 ? ((128 << 10) - length) >> 11 : 0) + 64;

    /// <summary>Decompresses one or more frames into <paramref name="destination"/>; more output than it holds is an error.</summary>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length == 0)
        {
            throw new InvalidDataException("the zstd stream is empty.");
        }

        if (NativeCodecs.UseNativeZstd)
        {
            if (_nativeDecoder == 0)
            {
                _nativeDecoder = LibZstd.CreateDecompressionContext();
            }

            nuint result = LibZstd.Decompress(_nativeDecoder, ref MemoryMarshal.GetReference(destination), (nuint)destination.Length, ref MemoryMarshal.GetReference(source), (nuint)source.Length);
            return LibZstd.IsError(result) == 0 ? (int)result : throw Failure(LibZstd.ErrorName(result), destination.Length);
        }

        try
        {
            return (_managedDecoder ??= new Decompressor()).Unwrap(source, destination);
        }
        catch (ZstdException error)
        {
            throw Failure(error.Message, destination.Length);
        }
    }

    /// <summary>Compresses <paramref name="source"/> as one frame with the content size recorded; returns the bytes written.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level, bool checksum)
    {
        if (NativeCodecs.UseNativeZstd)
        {
            nuint result = NativeCompress(source, destination, level, checksum);
            return LibZstd.IsError(result) == 0 ? (int)result : throw new InvalidOperationException($"zstd compression failed: {LibZstd.ErrorName(result)}.");
        }

        using var compressor = new Compressor(level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, checksum ? 1 : 0);
        return compressor.Wrap(source, destination);
    }

    /// <summary>Like <see cref="Compress"/>, but returns 0 when the frame does not fit in <paramref name="destination"/>.</summary>
    public static int TryCompress(ReadOnlySpan<byte> source, Span<byte> destination, int level)
    {
        if (NativeCodecs.UseNativeZstd)
        {
            nuint result = NativeCompress(source, destination, level, checksum: false);
            return LibZstd.IsError(result) == 0 ? (int)result : 0;
        }

        try
        {
            using var compressor = new Compressor(level);
            return compressor.Wrap(source, destination);
        }
        catch (ZstdException)
        {
            return 0;
        }
    }

    private static nuint NativeCompress(ReadOnlySpan<byte> source, Span<byte> destination, int level, bool checksum)
    {
        if (_nativeEncoder == 0)
        {
            _nativeEncoder = LibZstd.CreateCompressionContext();
        }

        LibZstd.SetParameter(_nativeEncoder, LibZstd.CompressionLevelParameter, level);
        LibZstd.SetParameter(_nativeEncoder, LibZstd.ChecksumFlagParameter, checksum ? 1 : 0);
        return LibZstd.Compress(_nativeEncoder, ref MemoryMarshal.GetReference(destination), (nuint)destination.Length, ref MemoryMarshal.GetReference(source), (nuint)source.Length);
    }

    private static InvalidDataException Failure(string reason, int capacity) =>
        reason.Contains("too small", StringComparison.OrdinalIgnoreCase)
            ? new InvalidDataException($"the zstd stream decompresses to more than the expected {capacity} bytes; refused (corrupted chunk or decompression bomb).")
            : new InvalidDataException($"the zstd stream is corrupted or truncated ({reason}).");
}
