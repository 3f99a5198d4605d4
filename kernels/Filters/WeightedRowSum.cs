using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>Which weight symmetry <see cref="WeightedRowSum"/> may exploit.</summary>
internal enum KernelSymmetry
{
    /// <summary>No symmetry: every tap is multiplied separately.</summary>
    General,

    /// <summary>w[r − j] = w[r + j]: taps are added in pairs first (order-0 and order-2 Gaussians).</summary>
    Even,

    /// <summary>w[r − j] = −w[r + j] and w[r] = 0: taps are subtracted in pairs first (order-1 Gaussians).</summary>
    Odd,
}

/// <summary>
/// The inner loop of every separable filter pass: a weighted sum of shifted rows,
/// <c>destination[i] = bias + Σ_k w[k] · source[offset[k] + i]</c>.
/// </summary>
/// <remarks>
/// <para>The same routine serves both directions. Along x the offsets are 0, 1, …, 2r into one padded row; along
/// y or z they are the starts of 2r+1 whole rows (already border-mapped), so the vector lanes run across x and every
/// load is a contiguous row segment. Four vectors are in flight per tap to hide the FMA latency.</para>
/// <para><b>Determinism.</b> Each output element is produced by the same sequence of operations wherever it sits
/// (vector lane, unrolled block, overlapping last vector or scalar tail): the scalar path uses fused multiply-adds
/// like the vector path. Results therefore do not depend on the row length or alignment, which is what makes a
/// block computed with a halo bit-identical to the same voxels of a whole-volume run. The order per element is
/// <list type="bullet">
/// <item><see cref="KernelSymmetry.Even"/>: acc = bias; for j = r…1: acc = fma(w[r+j], s[r−j] + s[r+j], acc); acc = fma(w[r], s[r], acc).</item>
/// <item><see cref="KernelSymmetry.Odd"/>: acc = bias; for j = r…1: acc = fma(w[r+j], s[r+j] − s[r−j], acc).</item>
/// <item><see cref="KernelSymmetry.General"/>: acc = bias; for k = 0…n−1: acc = fma(w[k], s[k], acc).</item>
/// </list></para>
/// <para>The destination must not overlap any source row: the overlapping last vector rewrites elements.</para>
/// </remarks>
internal static class WeightedRowSum
{
    private const int Unroll = 4;

    /// <summary>Computes <paramref name="destination"/> as documented on the class.</summary>
    /// <param name="source">Element 0 of the region every offset is relative to.</param>
    /// <param name="offsets">Start of each tap's source row, relative to <paramref name="source"/>.</param>
    /// <param name="weights">One weight per offset.</param>
    /// <param name="symmetry">Symmetry the weights have (checked by the caller).</param>
    /// <param name="bias">Value the accumulation starts from.</param>
    /// <param name="destination">Output row.</param>
    public static void Apply<T>(ref readonly T source, ReadOnlySpan<nint> offsets, ReadOnlySpan<T> weights, KernelSymmetry symmetry, T bias, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T src = ref Unsafe.AsRef(in source);
        int length = destination.Length;
        int start = 0;
        if (Simd<T>.IsAccelerated && length >= Vector<T>.Count)
        {
            int lanes = Vector<T>.Count;
            for (; start <= length - (Unroll * lanes); start += Unroll * lanes)
            {
                VectorBlock(ref src, offsets, weights, symmetry, bias, destination, start, Unroll);
            }

            for (; start <= length - lanes; start += lanes)
            {
                VectorBlock(ref src, offsets, weights, symmetry, bias, destination, start, 1);
            }

            if (start < length)
            {
                // The last vector overlaps elements already written; they are recomputed to the same values.
                VectorBlock(ref src, offsets, weights, symmetry, bias, destination, length - lanes, 1);
            }

            return;
        }

        for (int i = start; i < length; i++)
        {
            destination[i] = Scalar(ref src, offsets, weights, symmetry, bias, i);
        }
    }

    /// <summary>
    /// The same sums as <see cref="Apply{T}"/>, bit for bit, computed tap by tap over the whole row: the destination
    /// row is the accumulator. Used when the taps are rows far apart in memory (the y and z passes): holding all 2r+1
    /// source rows in flight at once makes their cache lines collide in the same cache sets (rows and planes are
    /// power-of-two strides apart), whereas this streams one or two source rows at a time through L1.
    /// </summary>
    public static void ApplyByTap<T>(ref readonly T source, ReadOnlySpan<nint> offsets, ReadOnlySpan<T> weights, KernelSymmetry symmetry, T bias, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count;
        if (!Simd<T>.IsAccelerated || destination.Length < lanes || offsets.IsEmpty)
        {
            Apply(in source, offsets, weights, symmetry, bias, destination);
            return;
        }

        ref T src = ref Unsafe.AsRef(in source);
        int full = destination.Length - (destination.Length % lanes);
        var rows = destination[..full];

        // The taps in accumulation order, then swept over the row a few at a time.
        Span<TapStep<T>> steps = stackalloc TapStep<T>[offsets.Length];
        int count = 0;
        if (symmetry == KernelSymmetry.General)
        {
            for (int k = 0; k < offsets.Length; k++)
            {
                steps[count++] = new TapStep<T>(weights[k], offsets[k], offsets[k], PairKind.Single);
            }
        }
        else
        {
            var kind = symmetry == KernelSymmetry.Even ? PairKind.Sum : PairKind.Difference;
            int r = offsets.Length / 2;
            for (int j = r; j >= 1; j--)
            {
                steps[count++] = new TapStep<T>(weights[r + j], offsets[r - j], offsets[r + j], kind);
            }

            if (symmetry == KernelSymmetry.Even)
            {
                steps[count++] = new TapStep<T>(weights[r], offsets[r], offsets[r], PairKind.Single);
            }
        }

        for (int s = 0; s < count; s += StepsPerSweep)
        {
            AccumulateRows(ref src, steps.Slice(s, Math.Min(StepsPerSweep, count - s)), bias, s == 0, rows);
        }

        if (full < destination.Length)
        {
            // The last vector overlaps finished elements; they are recomputed to the same values.
            VectorBlock(ref src, offsets, weights, symmetry, bias, destination, destination.Length - lanes, 1);
        }
    }

    /// <summary>
    /// Taps applied per sweep of <see cref="ApplyByTap{T}"/>: each sweep reads the accumulator row once, so more taps
    /// per sweep save L1 traffic, but each tap may read two rows, and more than 8 rows in flight at the same offset
    /// modulo 4 KiB would collide in the 8-way L1 sets again. 3 taps = at most 6 source rows + the accumulator.
    /// </summary>
    private const int StepsPerSweep = 3;

    /// <summary>One step of the accumulation: weight × (row, row pair sum or row pair difference).</summary>
    private readonly record struct TapStep<T>(T Weight, nint Low, nint High, PairKind Kind);

    /// <summary>rows[i] = fma(w_s, tap_s(i), … fma(w_0, tap_0(i), first ? bias : rows[i])) over whole vectors.</summary>
    private static void AccumulateRows<T>(ref T src, ReadOnlySpan<TapStep<T>> steps, T bias, bool first, Span<T> rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var start = new Vector<T>(bias);
        ref T dst = ref MemoryMarshal.GetReference(rows);
        int lanes = Vector<T>.Count;
        var s0 = steps[0];
        var w0 = new Vector<T>(s0.Weight);
        ref T low0 = ref Unsafe.Add(ref src, s0.Low);
        ref T high0 = ref Unsafe.Add(ref src, s0.High);
        bool hasSecond = steps.Length > 1, hasThird = steps.Length > 2;
        var s1 = hasSecond ? steps[1] : s0;
        var s2 = hasThird ? steps[2] : s0;
        var w1 = new Vector<T>(s1.Weight);
        var w2 = new Vector<T>(s2.Weight);
        ref T low1 = ref Unsafe.Add(ref src, s1.Low);
        ref T high1 = ref Unsafe.Add(ref src, s1.High);
        ref T low2 = ref Unsafe.Add(ref src, s2.Low);
        ref T high2 = ref Unsafe.Add(ref src, s2.High);
        for (int i = 0; i < rows.Length; i += lanes)
        {
            var acc = first ? start : Vector.LoadUnsafe(ref dst, (nuint)i);
            acc = Fma(w0, Tap(ref low0, ref high0, s0.Kind, i), acc);
            if (hasSecond)
            {
                acc = Fma(w1, Tap(ref low1, ref high1, s1.Kind, i), acc);
            }

            if (hasThird)
            {
                acc = Fma(w2, Tap(ref low2, ref high2, s2.Kind, i), acc);
            }

            acc.StoreUnsafe(ref dst, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Scalar<T>(ref T src, ReadOnlySpan<nint> offsets, ReadOnlySpan<T> weights, KernelSymmetry symmetry, T bias, nint i)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T acc = bias;
        if (symmetry == KernelSymmetry.General)
        {
            for (int k = 0; k < offsets.Length; k++)
            {
                acc = T.FusedMultiplyAdd(weights[k], Unsafe.Add(ref src, offsets[k] + i), acc);
            }

            return acc;
        }

        int r = offsets.Length / 2;
        for (int j = r; j >= 1; j--)
        {
            T low = Unsafe.Add(ref src, offsets[r - j] + i);
            T high = Unsafe.Add(ref src, offsets[r + j] + i);
            acc = T.FusedMultiplyAdd(weights[r + j], symmetry == KernelSymmetry.Even ? low + high : high - low, acc);
        }

        return symmetry == KernelSymmetry.Even ? T.FusedMultiplyAdd(weights[r], Unsafe.Add(ref src, offsets[r] + i), acc) : acc;
    }

    /// <summary><paramref name="count"/> (1 or <see cref="Unroll"/>) vectors of output starting at element <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VectorBlock<T>(ref T src, ReadOnlySpan<nint> offsets, ReadOnlySpan<T> weights, KernelSymmetry symmetry, T bias, Span<T> destination, int start, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count;
        ref T dst = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), start);
        var a0 = new Vector<T>(bias);
        var a1 = a0;
        var a2 = a0;
        var a3 = a0;
        if (symmetry == KernelSymmetry.General)
        {
            for (int k = 0; k < offsets.Length; k++)
            {
                ref T row = ref Unsafe.Add(ref src, offsets[k] + start);
                Accumulate(new Vector<T>(weights[k]), ref row, ref row, PairKind.Single, count, ref a0, ref a1, ref a2, ref a3);
            }
        }
        else
        {
            var kind = symmetry == KernelSymmetry.Even ? PairKind.Sum : PairKind.Difference;
            int r = offsets.Length / 2;
            for (int j = r; j >= 1; j--)
            {
                ref T low = ref Unsafe.Add(ref src, offsets[r - j] + start);
                ref T high = ref Unsafe.Add(ref src, offsets[r + j] + start);
                Accumulate(new Vector<T>(weights[r + j]), ref low, ref high, kind, count, ref a0, ref a1, ref a2, ref a3);
            }

            if (symmetry == KernelSymmetry.Even)
            {
                ref T centre = ref Unsafe.Add(ref src, offsets[r] + start);
                Accumulate(new Vector<T>(weights[r]), ref centre, ref centre, PairKind.Single, count, ref a0, ref a1, ref a2, ref a3);
            }
        }

        a0.StoreUnsafe(ref dst);
        if (count == Unroll)
        {
            a1.StoreUnsafe(ref dst, (nuint)lanes);
            a2.StoreUnsafe(ref dst, (nuint)(2 * lanes));
            a3.StoreUnsafe(ref dst, (nuint)(3 * lanes));
        }
    }

    /// <summary>What one tap contributes: one row, or the sum or difference of two mirrored rows.</summary>
    private enum PairKind
    {
        Single,
        Sum,
        Difference,
    }

    /// <summary>acc_v = fma(w, tap(v), acc_v) for the first <paramref name="count"/> (1 or 4) vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<T>(Vector<T> w, ref T low, ref T high, PairKind kind, int count, ref Vector<T> a0, ref Vector<T> a1, ref Vector<T> a2, ref Vector<T> a3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count;
        a0 = Fma(w, Tap(ref low, ref high, kind, 0), a0);
        if (count == Unroll)
        {
            a1 = Fma(w, Tap(ref low, ref high, kind, lanes), a1);
            a2 = Fma(w, Tap(ref low, ref high, kind, 2 * lanes), a2);
            a3 = Fma(w, Tap(ref low, ref high, kind, 3 * lanes), a3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Tap<T>(ref T low, ref T high, PairKind kind, int index)
        where T : unmanaged, IFloatingPointIeee754<T> => kind switch
        {
            PairKind.Sum => Vector.LoadUnsafe(ref low, (nuint)index) + Vector.LoadUnsafe(ref high, (nuint)index),
            PairKind.Difference => Vector.LoadUnsafe(ref high, (nuint)index) - Vector.LoadUnsafe(ref low, (nuint)index),
            _ => Vector.LoadUnsafe(ref low, (nuint)index),
        };

    /// <summary>Fused <c>a·b + c</c> with one rounding, the same operation <see cref="IFloatingPointIeee754{TSelf}.FusedMultiplyAdd"/> performs per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }

        throw new NotSupportedException($"Fused multiply-add supports float and double, not {typeof(T).Name}.");
    }
}
