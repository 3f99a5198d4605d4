using System.Runtime.InteropServices;
using BioImage.Storage.Codecs.Native;
using K4os.Compression.LZ4;

namespace BioImage.Storage.Codecs;

/// <summary>Raw LZ4 blocks (no frame) through liblz4 when present, else K4os.Compression.LZ4.</summary>
internal static class Lz4
{
    /// <summary>LZ4_compressBound.</summary>
    public static int CompressBound(int length) => length + (length / 255) + 16;

    /// <summary>Decodes a block into exactly <paramref name="destination"/>.Length bytes.</summary>
    public static void DecompressExactly(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = NativeCodecs.UseNativeLz4
            ? LibLz4.DecompressSafe(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), source.Length, destination.Length)
            : LZ4Codec.Decode(source, destination);
        if (written != destination.Length)
        {
            throw new InvalidDataException(written < 0
                ? $"the lz4 block is corrupted, truncated, or decodes to more than the expected {destination.Length} bytes."
                : $"the lz4 block decodes to {written} bytes; expected {destination.Length}.");
        }
    }

    /// <summary>Compresses into <paramref name="destination"/>; returns the bytes written, 0 when it does not fit.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int acceleration = 1, int highCompressionLevel = 0)
    {
        if (source.Length == 0)
        {
            return 0;
        }

        if (NativeCodecs.UseNativeLz4)
        {
            ref byte from = ref MemoryMarshal.GetReference(source);
            ref byte to = ref MemoryMarshal.GetReference(destination);
            return Math.Max(0, highCompressionLevel > 0
                ? LibLz4.CompressHighCompression(ref from, ref to, source.Length, destination.Length, highCompressionLevel)
                : LibLz4.CompressFast(ref from, ref to, source.Length, destination.Length, Math.Max(1, acceleration)));
        }

        var level = highCompressionLevel > 0 ? (LZ4Level)Math.Clamp(highCompressionLevel, (int)LZ4Level.L03_HC, (int)LZ4Level.L12_MAX) : LZ4Level.L00_FAST;
        return Math.Max(0, LZ4Codec.Encode(source, destination, level));
    }
}
