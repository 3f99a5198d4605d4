using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Elementwise;

/// <summary>
/// The element-wise kernels of <c>apply</c> and <c>isin</c> into reused outputs, one benchmark per code path:
/// arithmetic on <c>TensorPrimitives</c> (<see cref="AddScalar"/>, <see cref="Add"/>, <see cref="MaximumScalar"/>,
/// <see cref="Maximum"/>), comparisons narrowed to bools (<see cref="LessScalar"/>, <see cref="Less"/>) and the
/// small-set membership chain (<see cref="IsIn"/>, four values). The second operand is the volume reversed.
/// </summary>
/// <typeparam name="T">Element type: float32, uint8, uint16.</typeparam>
[BenchmarkCategory("Elementwise")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
[GenericTypeArguments(typeof(ushort))]
public class ElementwiseBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private static readonly T[] TestValues = [.. new[] { 10, 50, 100, 200 }.Select(T.CreateTruncating)];

    private NdArray<T> _second = null!;
    private NdArray<T> _values = null!;
    private NdArray<bool> _flags = null!;

    /// <summary><c>volume + 3</c>; returns the first result.</summary>
    [Benchmark]
    public T AddScalar()
    {
        Arithmetic.Apply(ArithmeticOperator.Add, Volume.Span, T.CreateTruncating(3), _values.Span);
        return _values.Span[0];
    }

    /// <summary><c>volume + reversed</c>; returns the first result.</summary>
    [Benchmark]
    public T Add()
    {
        Arithmetic.Apply(ArithmeticOperator.Add, Volume.Span, _second.Span, _values.Span);
        return _values.Span[0];
    }

    /// <summary><c>max(volume, 50)</c>; returns the first result.</summary>
    [Benchmark]
    public T MaximumScalar()
    {
        Arithmetic.Apply(ArithmeticOperator.Maximum, Volume.Span, T.CreateTruncating(50), _values.Span);
        return _values.Span[0];
    }

    /// <summary><c>max(volume, reversed)</c>; returns the first result.</summary>
    [Benchmark]
    public T Maximum()
    {
        Arithmetic.Apply(ArithmeticOperator.Maximum, Volume.Span, _second.Span, _values.Span);
        return _values.Span[0];
    }

    /// <summary><c>volume &lt; 50</c>; returns the first flag.</summary>
    [Benchmark]
    public bool LessScalar()
    {
        Comparison.Apply(ComparisonOperator.Less, Volume.Span, T.CreateTruncating(50), _flags.Span);
        return _flags.Span[0];
    }

    /// <summary><c>volume &lt; reversed</c>; returns the first flag.</summary>
    [Benchmark]
    public bool Less()
    {
        Comparison.Apply(ComparisonOperator.Less, Volume.Span, _second.Span, _flags.Span);
        return _flags.Span[0];
    }

    /// <summary><c>isin(volume, [10, 50, 100, 200])</c>; returns the first flag.</summary>
    [Benchmark]
    public bool IsIn()
    {
        Membership.IsIn<T>(Volume.Span, TestValues, _flags.Span);
        return _flags.Span[0];
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _second = NdArray<T>.Allocate(Shape.Extents, clear: false);
        Volume.Span.CopyTo(_second.Span);
        _second.Span.Reverse();
        _values = NdArray<T>.Allocate(Shape.Extents);
        _flags = NdArray<bool>.Allocate(Shape.Extents);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _second.Dispose();
        _values.Dispose();
        _flags.Dispose();
    }
}
