using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// The element-wise kernels of <c>bioimage apply</c> and <c>isin</c> into reused outputs (peers: the numpy ufunc with
/// <c>out=</c>): <c>add-scalar</c> <c>a + 3</c>, <c>add</c> <c>a + b</c>, <c>maximum-scalar</c> <c>np.maximum(a, 50)</c>,
/// <c>less</c> <c>a &lt; b</c> into bools, <c>isin</c> <c>np.isin(a, [10, 50, 100, 200])</c>; b is a with its planes in
/// reverse order. Memory-bound: the table's "% of copy bandwidth" is their figure of merit.
/// </summary>
/// <remarks>Not gated yet: bench/baseline.json has no figures for them (bench/gate.sh --update-baseline adds them).</remarks>
internal sealed class ElementwiseOp : ThroughputOp
{
    private static readonly int[] TestValues = [10, 50, 100, 200];

    private ElementwiseOp(string name, int operands, bool boolResult)
    {
        Name = name;
        Operands = operands;
        BoolResult = boolResult;
    }

    public static IReadOnlyList<ElementwiseOp> All { get; } =
    [
        new("add-scalar", 1, false),
        new("add", 2, false),
        new("maximum-scalar", 1, false),
        new("less", 2, true),
        new("isin", 1, true),
    ];

    public override string Name { get; }

    public override bool IsGated => false;

    private int Operands { get; }

    private bool BoolResult { get; }

    public override int BytesPerVoxel(int itemSize) => (Operands * itemSize) + (BoolResult ? sizeof(bool) : itemSize);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) => Name switch
    {
        "add-scalar" => new Dictionary<string, object> { ["scalar"] = 3 },
        "maximum-scalar" => new Dictionary<string, object> { ["scalar"] = 50 },
        "isin" => new Dictionary<string, object> { ["values"] = TestValues },
        _ => new Dictionary<string, object>(),
    };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(this, input.Volume);

    private sealed class Prepared<T> : SlabRun<ValueTuple>
        where T : unmanaged, INumber<T>
    {
        private readonly ElementwiseOp _op;
        private readonly NdArray<T> _volume;
        private readonly NdArray<T>? _second;
        private readonly NdArray<T> _values;
        private readonly NdArray<bool> _flags;
        private readonly T[] _tests = [.. TestValues.Select(T.CreateTruncating)];
        private readonly int _plane;

        public Prepared(ElementwiseOp op, NdArray<T> volume)
            : base(volume.Shape[0], volume.Length)
        {
            _op = op;
            _volume = volume;
            _plane = volume.Length / volume.Shape[0];
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
            switch (_op.Name)
            {
                case "add-scalar": Arithmetic.Apply(ArithmeticOperator.Add, a, T.CreateTruncating(3), values); break;
                case "add": Arithmetic.Apply(ArithmeticOperator.Add, a, b, values); break;
                case "maximum-scalar": Arithmetic.Apply(ArithmeticOperator.Maximum, a, T.CreateTruncating(50), values); break;
                case "less": Comparison.Apply(ComparisonOperator.Less, a, b, flags); break;
                default: Membership.IsIn<T>(a, _tests, flags); break;
            }

            return default;
        }

        protected override ValueTuple Merge(ValueTuple first, ValueTuple second) => default;
    }
}
