using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>Which voxels a kernel treats as foreground: a scalar test and the same test on a whole register.</summary>
/// <typeparam name="T">Element type.</typeparam>
internal interface IForeground<T>
    where T : unmanaged
{
    /// <summary>True when <paramref name="value"/> is foreground.</summary>
    bool Test(T value);

    /// <summary>All-ones lanes where the lane is foreground, zero elsewhere.</summary>
    Vector<T> Test(Vector<T> values);
}

/// <summary>Foreground is <c>value &gt; threshold</c> (NaN is background).</summary>
internal readonly struct AboveThreshold<T>(T threshold) : IForeground<T>
    where T : unmanaged, INumber<T>
{
    private readonly Vector<T> _thresholds = new(threshold);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Test(T value) => value > threshold;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Test(Vector<T> values) => Vector.GreaterThan(values, _thresholds);
}

/// <summary>Foreground is <c>value != 0</c> (numpy's <c>astype(bool)</c>; a bool viewed as a byte).</summary>
internal readonly struct NonZero<T> : IForeground<T>
    where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Test(T value) => value != T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Test(Vector<T> values) => Vector.OnesComplement(Vector.Equals(values, Vector<T>.Zero));
}
