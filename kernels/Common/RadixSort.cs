using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>An item that <see cref="RadixSort"/> orders: its key is <see cref="KeyWords"/> unsigned 64-bit words.</summary>
internal interface IRadixSortable
{
    /// <summary>How many 64-bit words the key has (1 or 2).</summary>
    static abstract int KeyWords { get; }

    /// <summary>Word <paramref name="index"/> of the key, 0 the least significant.</summary>
    ulong KeyWord(int index);
}

/// <summary>
/// Least-significant-digit radix sort (Knuth, TAOCP vol. 3 §5.2.5) of structs by unsigned keys of one or two 64-bit
/// words, stable, with 11-bit digits. A first pass finds the bits that differ between keys; a second counts the
/// histograms of the digits holding such bits; then each digit that does not put all items into one bucket scatters
/// them once — digits shared by every key (the high bits of small labels) cost nothing. O(n·d) for d varying digits
/// (at most 6 per word) plus O(2048·d) for the histograms; needs a scratch span as long as the input. Faster than a
/// comparison sort from a few thousand items on: no branch depends on the data.
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const int DigitsPerWord = (64 + DigitBits - 1) / DigitBits;

    /// <summary>Sorts <paramref name="items"/> by key, ascending, stable; <paramref name="scratch"/> (as long) is overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort<T>(Span<T> items, Span<T> scratch)
        where T : unmanaged, IRadixSortable
    {
        if (scratch.Length < items.Length)
        {
            throw new ArgumentException($"The scratch span needs at least {items.Length} items; it has {scratch.Length}.", nameof(scratch));
        }

        int digits = T.KeyWords * DigitsPerWord;
        if (items.Length < 2)
        {
            return;
        }

        // Digits whose bits are equal in every key are skipped from the start: label keys rarely use their high bits.
        Span<ulong> varying = stackalloc ulong[T.KeyWords];
        for (int word = 0; word < T.KeyWords; word++)
        {
            ulong first = items[0].KeyWord(word), differ = 0;
            foreach (ref readonly var item in items)
            {
                differ |= item.KeyWord(word) ^ first;
            }

            varying[word] = differ;
        }

        var histograms = new int[digits * Buckets];
        foreach (ref readonly var item in items)
        {
            for (int word = 0; word < T.KeyWords; word++)
            {
                ulong key = item.KeyWord(word), differ = varying[word];
                int offset = word * DigitsPerWord * Buckets;
                for (int digit = 0; differ != 0; digit++, key >>= DigitBits, differ >>= DigitBits, offset += Buckets)
                {
                    histograms[offset + (int)(key & (Buckets - 1))]++;
                }
            }
        }

        var source = items;
        var target = scratch[..items.Length];
        for (int digit = 0; digit < digits; digit++)
        {
            int word = digit / DigitsPerWord, shift = digit % DigitsPerWord * DigitBits;
            var histogram = histograms.AsSpan(digit * Buckets, Buckets);
            if (((varying[word] >> shift) & (Buckets - 1)) == 0 || !ToOffsets(histogram, items.Length))
            {
                continue;
            }

            foreach (ref readonly var item in source)
            {
                target[histogram[(int)((item.KeyWord(word) >> shift) & (Buckets - 1))]++] = item;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        if (source != items)
        {
            source.CopyTo(items);
        }
    }

    /// <summary>Turns counts into each bucket's first index; false when one bucket holds all <paramref name="count"/> items (nothing to move).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ToOffsets(Span<int> histogram, int count)
    {
        int total = 0;
        for (int bucket = 0; bucket < histogram.Length; bucket++)
        {
            int size = histogram[bucket];
            if (size == count)
            {
                return false;
            }

            histogram[bucket] = total;
            total += size;
        }

        return true;
    }
}
