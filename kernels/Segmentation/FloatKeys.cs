using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// An order-preserving map from IEEE-754 floats to signed integers of the same size, so that the integer
/// <see cref="Unique"/> kernel finds the distinct floats and their counts as <c>np.unique(x, return_counts=True)</c>
/// does (numpy ≥ 1.24, <c>equal_nan=True</c>): −0.0 and +0.0 are one value (key 0), every NaN is one value sorted
/// last (key <c>MaxValue</c>).
/// </summary>
/// <remarks>
/// The bit pattern of a non-negative float already orders like a signed integer; a negative float's pattern orders
/// backwards, so its bits below the sign are flipped (the classic radix-sort trick). One pass, in place allowed.
/// Which zero numpy reports (the first in C order) is for the caller to track.
/// </remarks>
public static class FloatKeys
{
    /// <summary>Writes the key of every value; <paramref name="keys"/> may be <paramref name="values"/> reinterpreted.</summary>
    /// <typeparam name="TFloat"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <typeparam name="TKey"><see cref="int"/> or <see cref="long"/>: a signed integer of the same size.</typeparam>
    public static void ToKeys<TFloat, TKey>(ReadOnlySpan<TFloat> values, Span<TKey> keys)
        where TFloat : unmanaged, IBinaryFloatingPointIeee754<TFloat>
        where TKey : unmanaged, IBinaryInteger<TKey>, ISignedNumber<TKey>, IMinMaxValue<TKey>
    {
        CheckSizes<TFloat, TKey>();
        if (keys.Length < values.Length)
        {
            throw new ArgumentException($"{values.Length} values need as many keys; got {keys.Length}.", nameof(keys));
        }

        for (int i = 0; i < values.Length; i++)
        {
            var value = values[i];
            var bits = Unsafe.BitCast<TFloat, TKey>(value);
            keys[i] = TFloat.IsNaN(value) ? TKey.MaxValue
                : value == TFloat.Zero ? TKey.Zero
                : TKey.IsNegative(bits) ? bits ^ TKey.MaxValue : bits;
        }
    }

    /// <summary>The float of a key made by <see cref="ToKeys{TFloat, TKey}"/> (+0.0 for key 0, a NaN for <c>MaxValue</c>).</summary>
    public static TFloat FromKey<TFloat, TKey>(TKey key)
        where TFloat : unmanaged, IBinaryFloatingPointIeee754<TFloat>
        where TKey : unmanaged, IBinaryInteger<TKey>, ISignedNumber<TKey>, IMinMaxValue<TKey>
    {
        CheckSizes<TFloat, TKey>();
        return Unsafe.BitCast<TKey, TFloat>(TKey.IsNegative(key) ? key ^ TKey.MaxValue : key);
    }

    private static void CheckSizes<TFloat, TKey>()
        where TFloat : unmanaged
        where TKey : unmanaged
    {
        if (Unsafe.SizeOf<TFloat>() != Unsafe.SizeOf<TKey>())
        {
            throw new ArgumentException($"{typeof(TKey).Name} keys do not fit {typeof(TFloat).Name} values: they need the same size.");
        }
    }
}
