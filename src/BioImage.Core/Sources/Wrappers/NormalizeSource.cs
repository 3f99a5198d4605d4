using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's NormalizeSource (elf's normalize): every READ is normalized on its own, <c>x = x.astype(dtype);
/// x -= x.min(); x /= x.max() + 1e-6</c>, so results depend on the blocking (as upstream). float32 arithmetic rounds
/// as numpy's does: the divisor is <c>float64(max) + 1e-6</c> rounded to float32.
/// </summary>
public sealed class NormalizeSource : WrapperSource
{
    private const double Epsilon = 1e-6;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="dtype"/> is float32 (default) or float64.</summary>
    public NormalizeSource(ISource inner, DType dtype = DType.Float32)
        : base(inner)
    {
        DType = dtype.IsFloatingPoint() ? dtype : throw new ArgumentException($"The normalize wrapper produces float32 or float64, not {dtype.NumpyName()}.", nameof(dtype));
    }

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("normalize", ("dtype", DType.NumpyName()));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        Check<T>(region, destination.Depth, destination.Height, destination.Width);
        if (region.IsEmpty)
        {
            return;
        }

        using var values = Inner.DType.Dispatch(new Convert<T>(this, region));
        var span = values.Span;
        T min = span[0];
        foreach (var value in span)
        {
            min = T.Min(min, value);
        }

        T max = T.Zero;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] -= min;
            max = i == 0 ? span[i] : T.Max(max, span[i]);
        }

        T divisor = T.CreateTruncating(double.CreateTruncating(max) + Epsilon);
        for (int i = 0; i < span.Length; i++)
        {
            span[i] /= divisor;
        }

        values.AsSpan3D().CopyTo(destination);
    }

    /// <summary>The region of the inner source converted to <typeparamref name="TOut"/> (numpy's astype).</summary>
    private sealed class Convert<TOut>(NormalizeSource owner, Region region) : IDTypeFunc<NdArray<TOut>>
        where TOut : unmanaged, INumber<TOut>
    {
        public NdArray<TOut> Invoke<TIn>()
            where TIn : unmanaged, INumber<TIn>
        {
            using var data = owner.ReadInner<TIn>(region);
            var converted = NdArray<TOut>.Allocate(data.Shape, clear: false);
            for (int i = 0; i < data.Length; i++)
            {
                converted.Span[i] = TOut.CreateTruncating(data.Span[i]);
            }

            return converted;
        }
    }
}
