using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// 2× downsampling to ceil(n / 2) per axis through <see cref="ResizePlan"/> into a reused output, sample positions
/// o · in/out (bioimage-py's ResizedSource), mirror border: <c>downsample-linear-aa</c> (order 1 with skimage's
/// anti-aliasing, σ = 0.5 per axis) and <c>downsample-cubic</c> (order 3 with the B-spline prefilter, no smoothing).
/// Peers: scipy.ndimage (gaussian_filter +) affine_transform on the same grid, compared element-wise; for the
/// anti-aliased one also skimage.transform.resize(anti_aliasing=True, order=1), the reference, which samples
/// pixel centres — the same work per voxel on a grid shifted by half an input voxel, so it is timed only.
/// </summary>
/// <param name="name">The op's name in both registries.</param>
/// <param name="order">Spline order.</param>
/// <param name="antiAliasing">Whether the input is smoothed first (skimage's σ).</param>
internal sealed class DownsampleOp(string name, int order, bool antiAliasing) : ThroughputOp
{
    /// <summary>The two downsampling ops, in table order.</summary>
    public static IReadOnlyList<DownsampleOp> All { get; } = [new("downsample-linear-aa", 1, true), new("downsample-cubic", 3, false)];

    public override string Name => name;

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    private int Order { get; } = order;

    private bool AntiAliasing { get; } = antiAliasing;

    /// <summary>Every voxel is read; the write of one voxel in eight is left out (whole bytes only).</summary>
    public override int BytesPerVoxel(int itemSize) => itemSize;

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["output_shape"] = OutputShape(shape), ["order"] = Order, ["anti_aliasing"] = AntiAliasing, ["mode"] = "mirror" };

    public override IPreparedOp Prepare<T>(OpInput<T> input) =>
        input.Volume is NdArray<float> volume
            ? new Prepared(this, volume, input.WorkDir)
            : throw new ArgumentException($"{Name} runs on float32 only; got {typeof(T).Name}.", nameof(input));

    private static int[] OutputShape(IReadOnlyList<int> shape) => [.. shape.Select(n => (n + 1) / 2)];

    private sealed class Prepared : IPreparedOp
    {
        private readonly DownsampleOp _op;
        private readonly ReadOnlyMemory3D<float> _input;
        private readonly NdArray<float> _output;
        private readonly Memory3D<float> _outputView;
        private readonly ResizePlan _plan;
        private readonly string _workDir;

        public Prepared(DownsampleOp op, NdArray<float> volume, string workDir)
        {
            _op = op;
            _workDir = workDir;
            var shape = volume.Shape;
            int[] outputShape = OutputShape(shape.ToArray());
            _input = new ReadOnlyMemory3D<float>(volume.Memory, shape[0], shape[1], shape[2]);
            _output = NdArray<float>.Allocate(outputShape);
            _outputView = new Memory3D<float>(_output.Memory, outputShape[0], outputShape[1], outputShape[2]);
            _plan = new ResizePlan(new Index3(shape[0], shape[1], shape[2]), new Index3(outputShape[0], outputShape[1], outputShape[2]), op.Order, op.AntiAliasing, BorderMode.Mirror);
            Voxels = volume.Length;
        }

        public long Voxels { get; }

        public void Run(int threads) => Resampling.Resize(_input, _outputView, _plan, threads);

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object> { ["output"] = SavedOutput.Of(_output, _workDir, _op.Name) };

        public void Dispose() => _output.Dispose();
    }
}

/// <summary>
/// <c>pool-mean</c>, <c>pool-max</c>, <c>pool-mode</c>: 2×2×2 pooling with <see cref="Resampling.Pool{T}"/> into a reused
/// output, on the largest even-extent box of the volume from its origin (the whole volume at 256³; the numpy peers
/// reshape, which needs even extents). Mode runs on random uint64 labels (seeded; written as <c>.npy</c> with the result
/// for the peer): every block holds eight different labels, the worst case (tinybrain's "random" figure in peers.md).
/// </summary>
/// <param name="method">The reduction.</param>
/// <param name="dtypes">Element types the op runs on.</param>
internal sealed class PoolOp(PoolingMethod method, IReadOnlyList<DType> dtypes) : ThroughputOp
{
    private static readonly Index3 Factors = new(2, 2, 2);

    /// <summary>Mean on uint8 and float32 (the targets), max on the same, mode on random uint64 labels.</summary>
    public static IReadOnlyList<PoolOp> All { get; } =
    [
        new(PoolingMethod.Mean, [DType.UInt8, DType.Float32]),
        new(PoolingMethod.Max, [DType.UInt8, DType.Float32]),
        new(PoolingMethod.Mode, [DType.UInt64]),
    ];

    public override string Name => $"pool-{Method.ToString().ToLowerInvariant()}";

    public override IReadOnlyList<DType> DTypes => dtypes;

    private PoolingMethod Method { get; } = method;

    /// <summary>Every voxel is read; the write of one voxel in eight is left out (whole bytes only).</summary>
    public override int BytesPerVoxel(int itemSize) => itemSize;

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape)
    {
        var parameters = new Dictionary<string, object> { ["extent"] = EvenExtent(shape) };
        if (Method == PoolingMethod.Mode)
        {
            parameters["labels"] = LabelsFile(shape);
        }

        return parameters;
    }

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(this, input);

    private static int[] EvenExtent(IReadOnlyList<int> shape) => [.. shape.Select(n => n / 2 * 2)];

    private static string LabelsFile(IReadOnlyList<int> shape) => $"random-labels-{string.Join('x', shape)}-uint64.npy";

    private sealed class Prepared<T> : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        private readonly PoolOp _op;
        private readonly OpInput<T> _source;
        private readonly NdArray<T>? _labels;
        private readonly ReadOnlyMemory3D<T> _input;
        private readonly NdArray<T> _output;
        private readonly Memory3D<T> _outputView;

        public Prepared(PoolOp op, OpInput<T> source)
        {
            _op = op;
            _source = source;
            var volume = source.Volume;
            if (op.Method == PoolingMethod.Mode)
            {
                _labels = NdArray<T>.Allocate(volume.Shape);
                new Random(SampleVolumes.Seed).NextBytes(MemoryMarshal.AsBytes(_labels.Span));
                volume = _labels;
            }

            int[] shape = volume.Shape.ToArray(), even = EvenExtent(shape);
            _input = new ReadOnlyMemory3D<T>(volume.Memory, shape[0], shape[1], shape[2]).Slice(0, 0, 0, even[0], even[1], even[2]);
            _output = NdArray<T>.Allocate([even[0] / 2, even[1] / 2, even[2] / 2]);
            _outputView = new Memory3D<T>(_output.Memory, even[0] / 2, even[1] / 2, even[2] / 2);
            Voxels = (long)even[0] * even[1] * even[2];
        }

        public long Voxels { get; }

        public void Run(int threads) => Resampling.Pool(_input, _outputView, Factors, _op.Method, threads);

        public IReadOnlyDictionary<string, object> Result()
        {
            if (_labels is not null)
            {
                BioImage.Storage.NpyFile.Write(Path.Combine(_source.WorkDir, LabelsFile(_labels.Shape.ToArray())), _labels);
            }

            return new Dictionary<string, object> { ["output"] = SavedOutput.Of(_output, _source.WorkDir, $"{_op.Name}-{_output.DType.NumpyName()}") };
        }

        public void Dispose()
        {
            _output.Dispose();
            _labels?.Dispose();
        }
    }
}
