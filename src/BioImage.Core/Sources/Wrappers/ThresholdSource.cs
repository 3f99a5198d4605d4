using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's ThresholdSource: the bool volume <c>source &gt; threshold</c>, compared as numpy compares an array with
/// a Python float (integers exactly, via float64; float32 against the threshold rounded to float32; float64 as is).
/// Read it as <see cref="byte"/> 0/1.
/// </summary>
public sealed class ThresholdSource : WrapperSource
{
    /// <summary>Wraps <paramref name="inner"/> (any numeric dtype).</summary>
    public ThresholdSource(ISource inner, double threshold)
        : base(inner)
    {
        Threshold = threshold;
        if (inner.DType == DType.Bool)
        {
            throw new ArgumentException("The threshold wrapper needs a numeric source; this one is already bool.", nameof(inner));
        }
    }

    /// <summary>Values above it become true.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public override DType DType => DType.Bool;

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("threshold", ("threshold", Threshold));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        Check<T>(region, destination.Depth, destination.Height, destination.Width);
        using var flags = Inner.DType.Dispatch(new Compare(this, region));
        var view = flags.AsSpan3D();
        for (int z = 0; z < view.Depth; z++)
        {
            for (int y = 0; y < view.Height; y++)
            {
                MemoryMarshal.AsBytes(view.GetRowSpan(z, y)).CopyTo(MemoryMarshal.AsBytes(destination.GetRowSpan(z, y)));
            }
        }
    }

    private sealed class Compare(ThresholdSource owner, Region region) : IDTypeFunc<NdArray<bool>>
    {
        public NdArray<bool> Invoke<TIn>()
            where TIn : unmanaged, INumber<TIn>
        {
            using var data = owner.ReadInner<TIn>(region);
            var flags = NdArray<bool>.Allocate(data.Shape, clear: false);
            GreaterThan<TIn>(data.Span, owner.Threshold, flags.Span);
            return flags;
        }
    }

    /// <summary>numpy's <c>np.greater(row, float(threshold))</c> for one row.</summary>
    private static void GreaterThan<TIn>(ReadOnlySpan<TIn> row, double threshold, Span<bool> flags)
        where TIn : unmanaged, INumber<TIn>
    {
        // numpy compares float32 in float32 unless the threshold is finite but beyond float32's range (then float64).
        if (typeof(TIn) == typeof(float) && (Math.Abs(threshold) <= float.MaxValue || !double.IsFinite(threshold)))
        {
            Kernels.Threshold.GreaterThan(MemoryMarshal.Cast<TIn, float>(row), (float)threshold, flags);
        }
        else if (typeof(TIn) != typeof(float) && TIn.IsInteger(TIn.One) && Marshal.SizeOf<TIn>() <= 4)
        {
            // float64 holds every value of these types exactly, so x > t ⇔ x > floor(t) for integer x.
            double floor = Math.Floor(threshold);
            var (min, max) = IntegerRange<TIn>();
            if (double.IsNaN(threshold) || floor >= max)
            {
                flags.Clear();
            }
            else if (floor < min)
            {
                flags.Fill(true);
            }
            else
            {
                Kernels.Threshold.GreaterThan(row, TIn.CreateTruncating(floor), flags);
            }
        }
        else
        {
            // float64, 64-bit integers (rounded to float64, as numpy does) and float32 beyond its range.
            for (int i = 0; i < row.Length; i++)
            {
                flags[i] = double.CreateTruncating(row[i]) > threshold;
            }
        }
    }

    private static (double Min, double Max) IntegerRange<TIn>() =>
        typeof(TIn) == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : typeof(TIn) == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue)
        : typeof(TIn) == typeof(ushort) ? (ushort.MinValue, ushort.MaxValue)
        : typeof(TIn) == typeof(short) ? (short.MinValue, short.MaxValue)
        : typeof(TIn) == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : (int.MinValue, int.MaxValue);
}
