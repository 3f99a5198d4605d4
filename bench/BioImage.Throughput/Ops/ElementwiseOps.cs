using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// The element-wise kernels of <c>bioimage apply</c> and <c>isin</c> into reused outputs (peers: the numpy ufunc with
/// <c>out=</c>): every operator with a scalar (<c>add-scalar</c> <c>np.add(a, 3)</c>, <c>greater-equal-scalar</c>
/// <c>np.greater_equal(a, 50)</c>, …: 3 for add, subtract, multiply and divide, 50 for the others) and with an array
/// (<c>add</c> <c>np.add(a, b)</c>, …, b is a with its planes in reverse order), comparisons into bools, and
/// <c>isin</c> <c>np.isin(a, [10, 50, 100, 200])</c>. Memory-bound: the table's "% of copy bandwidth" is their figure of
/// merit (issue 17 asks ≥ 80 %).
/// </summary>
/// <remarks>
/// Element types: float32, float64, uint8, uint16 and int64 (every width of the narrowing paths; divide only on floats,
/// where <c>apply</c> runs it — numpy divides integers in float64); the gate checks float32 and uint8, which keeps its
/// time within budget.
/// </remarks>
internal sealed class ElementwiseOp : ThroughputOp
{
    private static readonly int[] TestValues = [10, 50, 100, 200];

    private readonly ArithmeticOperator? _arithmetic;
    private readonly ComparisonOperator? _comparison;
    private readonly int? _scalar;

    private ElementwiseOp(string ufunc, ArithmeticOperator? arithmetic, ComparisonOperator? comparison, int? scalar)
    {
        Ufunc = ufunc;
        Name = ufunc.Replace('_', '-') + (scalar is null ? string.Empty : "-scalar");
        _arithmetic = arithmetic;
        _comparison = comparison;
        _scalar = scalar;
    }

    /// <summary>Each operator with a scalar, then with an array, and isin.</summary>
    public static IReadOnlyList<ElementwiseOp> All { get; } =
    [
        .. Arithmetics().SelectMany(a => new[] { new ElementwiseOp(a.Ufunc, a.Operator, null, a.Scalar), new ElementwiseOp(a.Ufunc, a.Operator, null, null) }),
        .. Comparisons().SelectMany(c => new[] { new ElementwiseOp(c.Ufunc, null, c.Operator, 50), new ElementwiseOp(c.Ufunc, null, c.Operator, null) }),
        new ElementwiseOp("isin", null, null, null),
    ];

    public override string Name { get; }

    public override IReadOnlyList<DType> DTypes => _arithmetic == ArithmeticOperator.Divide
        ? [DType.Float32, DType.Float64]
        : [DType.Float32, DType.Float64, DType.UInt8, DType.UInt16, DType.Int64];

    public override IReadOnlyList<DType> GatedDTypes => [DType.Float32, DType.UInt8];

    /// <summary>The numpy function: <c>add</c>, …, <c>greater_equal</c>, …, <c>isin</c>.</summary>
    private string Ufunc { get; }

    private bool IsIn => _arithmetic is null && _comparison is null;

    private bool BoolResult => _arithmetic is null;

    private int Operands => _scalar is null && !IsIn ? 2 : 1;

    public override int BytesPerVoxel(int itemSize) => (Operands * itemSize) + (BoolResult ? sizeof(bool) : itemSize);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape)
    {
        var parameters = new Dictionary<string, object> { ["ufunc"] = Ufunc };
        if (_scalar is { } scalar)
        {
            parameters["scalar"] = scalar;
        }

        if (IsIn)
        {
            parameters["values"] = TestValues;
        }

        return parameters;
    }

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(this, input.Volume);

    private static IEnumerable<(string Ufunc, ArithmeticOperator Operator, int Scalar)> Arithmetics() =>
    [
        ("add", ArithmeticOperator.Add, 3),
        ("subtract", ArithmeticOperator.Subtract, 3),
        ("multiply", ArithmeticOperator.Multiply, 3),
        ("divide", ArithmeticOperator.Divide, 3),
        ("minimum", ArithmeticOperator.Minimum, 50),
        ("maximum", ArithmeticOperator.Maximum, 50),
    ];

    private static IEnumerable<(string Ufunc, ComparisonOperator Operator)> Comparisons() =>
    [
        ("greater", ComparisonOperator.Greater),
        ("greater_equal", ComparisonOperator.GreaterEqual),
        ("less", ComparisonOperator.Less),
        ("less_equal", ComparisonOperator.LessEqual),
    ];

    private sealed class Prepared<T> : SlabRun<ValueTuple>
        where T : unmanaged, INumber<T>
    {
        private readonly ElementwiseOp _op;
        private readonly NdArray<T> _volume;
        private readonly NdArray<T>? _second;
        private readonly NdArray<T> _values;
        private readonly NdArray<bool> _flags;
        private readonly T[] _tests = [.. TestValues.Select(T.CreateTruncating)];
        private readonly T _scalar;
        private readonly int _plane;

        public Prepared(ElementwiseOp op, NdArray<T> volume)
            : base(volume.Shape[0], volume.Length)
        {
            _op = op;
            _volume = volume;
            _plane = volume.Length / volume.Shape[0];
            _scalar = T.CreateTruncating(op._scalar ?? 0);
            _values = NdArray<T>.Allocate(op.BoolResult ? [1] : volume.Shape);
            _flags = NdArray<bool>.Allocate(op.BoolResult ? volume.Shape : [1]);
            if (op.Operands == 2)
            {
                _second = NdArray<T>.Allocate(volume.Shape, clear: false);
                for (int z = 0; z < volume.Shape[0]; z++)
                {
                    volume.Span.Slice(z * _plane, _plane).CopyTo(_second.Span.Slice((volume.Shape[0] - 1 - z) * _plane, _plane));
                }
            }
        }

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["result_sha256"] = _op.BoolResult ? Digest.Of<byte>(MemoryMarshal.AsBytes(_flags.Span)) : Digest.Of<T>(_values.Span),
        };

        public override void Dispose()
        {
            _values.Dispose();
            _flags.Dispose();
            _second?.Dispose();
            base.Dispose();
        }

        protected override ValueTuple RunSlab(int begin, int end)
        {
            var a = _volume.Span[(begin * _plane)..(end * _plane)];
            var b = _second is null ? default : _second.Span[(begin * _plane)..(end * _plane)];
            var values = _op.BoolResult ? default : _values.Span[(begin * _plane)..(end * _plane)];
            var flags = _op.BoolResult ? _flags.Span[(begin * _plane)..(end * _plane)] : default;
            bool withScalar = _op._scalar is not null;
            if (_op._arithmetic is { } arithmetic)
            {
                if (withScalar)
                {
                    Arithmetic.Apply(arithmetic, a, _scalar, values);
                }
                else
                {
                    Arithmetic.Apply(arithmetic, a, b, values);
                }
            }
            else if (_op._comparison is { } comparison)
            {
                if (withScalar)
                {
                    Comparison.Apply(comparison, a, _scalar, flags);
                }
                else
                {
                    Comparison.Apply(comparison, a, b, flags);
                }
            }
            else
            {
                Membership.IsIn<T>(a, _tests, flags);
            }

            return default;
        }

        protected override ValueTuple Merge(ValueTuple first, ValueTuple second) => default;
    }
}
