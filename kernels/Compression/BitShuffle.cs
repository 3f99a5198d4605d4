using System.Buffers.Binary;

namespace BioImage.Kernels;

/// <summary>
/// Blosc's bit shuffle (Masui et al. 2015, "bitshuffle"): bit k of byte j of every element is gathered into one
/// bit plane, so that planes of constant bits compress to almost nothing. O(n·typeSize) bit moves done as 8×8
/// bit-matrix transposes on 64-bit words (Hacker's Delight §7-3), no allocation.
/// </summary>
/// <remarks>
/// Layout (c-blosc <c>bitshuffle-generic.c</c>): with <c>N = length / typeSize</c> elements, bit k (0 = LSB) of
/// byte j of element i goes to bit index <c>(j·8 + k)·N + i</c> of the output, bits numbered LSB-first within each
/// byte. When N is not a multiple of 8 blosc copies the block unchanged, and so do these methods; bytes after the
/// last whole element are copied as they are.
/// </remarks>
public static class BitShuffle
{
    /// <summary>Writes the bit planes of <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void Shuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize) => Transform(source, destination, typeSize, shuffle: true);

    /// <summary>Undoes <see cref="Shuffle"/>.</summary>
    public static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize) => Transform(source, destination, typeSize, shuffle: false);

    private static void Transform(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize, bool shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(typeSize, 1);
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; source has {source.Length}.", nameof(destination));
        }

        int n = source.Length / typeSize;
        if (n % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        int rowBytes = n / 8;
        Span<byte> word = stackalloc byte[8];
        for (int j = 0; j < typeSize; j++)
        {
            for (int m = 0; m < rowBytes; m++)
            {
                for (int t = 0; t < 8; t++)
                {
                    word[t] = shuffle ? source[(((8 * m) + t) * typeSize) + j] : source[(((j * 8) + t) * rowBytes) + m];
                }

                BinaryPrimitives.WriteUInt64LittleEndian(word, Transpose8x8(BinaryPrimitives.ReadUInt64LittleEndian(word)));
                for (int t = 0; t < 8; t++)
                {
                    if (shuffle)
                    {
                        destination[(((j * 8) + t) * rowBytes) + m] = word[t];
                    }
                    else
                    {
                        destination[(((8 * m) + t) * typeSize) + j] = word[t];
                    }
                }
            }
        }

        source[(n * typeSize)..].CopyTo(destination[(n * typeSize)..]);
    }

    /// <summary>Transposes the 8×8 bit matrix whose row r is byte r: bit c of byte r moves to bit r of byte c.</summary>
    internal static ulong Transpose8x8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
    }
}
