using System.Runtime.InteropServices;
using BioImage.Storage.Codecs.Native;

namespace BioImage.Storage.Codecs;

/// <summary>
/// Whole-buffer gzip (RFC 1952) and zlib (RFC 1950) through libdeflate: one compressor per thread and level and
/// one decompressor per thread, reused (allocating one costs more than compressing a small chunk).
/// </summary>
internal static class NativeDeflate
{
    [ThreadStatic]
    private static nint _compressor;

    [ThreadStatic]
    private static int _compressorLevel;

    [ThreadStatic]
    private static nint _decompressor;

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/>; 0 when it does not fit.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level, bool zlib)
    {
        if (_compressor == 0 || _compressorLevel != level)
        {
            if (_compressor != 0)
            {
                LibDeflate.FreeCompressor(_compressor);
            }

            _compressor = LibDeflate.AllocateCompressor(level);
            _compressorLevel = level;
            if (_compressor == 0)
            {
                throw new InvalidOperationException($"libdeflate could not allocate a level-{level} compressor.");
            }
        }

        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        return (int)(zlib
            ? LibDeflate.ZlibCompress(_compressor, ref from, (nuint)source.Length, ref to, (nuint)destination.Length)
            : LibDeflate.GzipCompress(_compressor, ref from, (nuint)source.Length, ref to, (nuint)destination.Length));
    }

    /// <summary>
    /// Decompresses one zlib stream or one or more concatenated gzip members into <paramref name="destination"/>;
    /// returns the bytes written. More output than <paramref name="destination"/> holds is an error.
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination, bool zlib, string name)
    {
        if (_decompressor == 0)
        {
            _decompressor = LibDeflate.AllocateDecompressor();
            if (_decompressor == 0)
            {
                throw new InvalidOperationException("libdeflate could not allocate a decompressor.");
            }
        }

        int read = 0;
        int written = 0;
        do
        {
            var input = source[read..];
            var output = destination[written..];
            ref byte from = ref MemoryMarshal.GetReference(input);
            ref byte to = ref MemoryMarshal.GetReference(output);
            nuint consumed;
            nuint produced;
            int result = zlib
                ? LibDeflate.ZlibDecompress(_decompressor, ref from, (nuint)input.Length, ref to, (nuint)output.Length, out consumed, out produced)
                : LibDeflate.GzipDecompress(_decompressor, ref from, (nuint)input.Length, ref to, (nuint)output.Length, out consumed, out produced);
            if (result == LibDeflate.InsufficientSpace)
            {
                throw new InvalidDataException($"the {name} stream decompresses to more than the expected {destination.Length} bytes; refused (corrupted chunk or decompression bomb).");
            }

            if (result != LibDeflate.Success || consumed == 0)
            {
                throw new InvalidDataException($"the {name} stream is corrupted or truncated (libdeflate result {result} at byte {read}).");
            }

            read += (int)consumed;
            written += (int)produced;
        }
        while (!zlib && read < source.Length);

        return written;
    }
}
