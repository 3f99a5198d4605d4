using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>label</c> (6-connected) and <c>label-26</c> (26-connected): connected components of <c>a &gt; t</c> into a
/// reused uint32 output (peer: <c>scipy.ndimage.label</c> with <c>generate_binary_structure(3, connectivity)</c>);
/// the mask is made once, outside the timed runs, on both sides.
/// </summary>
/// <param name="connectivity">1 (6-neighbourhood, op <c>label</c>) or 3 (26-neighbourhood, op <c>label-26</c>).</param>
internal sealed class LabelOp(int connectivity) : ThroughputOp
{
    public override string Name => connectivity == 1 ? "label" : $"label-{Neighbours(connectivity)}";

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => sizeof(bool) + sizeof(uint);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold, ["connectivity"] = connectivity };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume, connectivity);

    /// <summary>Neighbours of a voxel in 3D at <paramref name="connectivity"/> 1, 2, 3: 6, 18, 26.</summary>
    private static int Neighbours(int connectivity) => connectivity switch { 1 => 6, 2 => 18, _ => 26 };

    private sealed class Prepared<T> : MaskedRun<T>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<uint> _labels;
        private readonly int _connectivity;
        private long _count;

        public Prepared(NdArray<T> volume, int connectivity)
            : base(volume)
        {
            _labels = NdArray<uint>.Allocate(volume.Shape);
            _connectivity = connectivity;
        }

        public override void Run(int threads) =>
            _count = ConnectedComponents.Label<uint>(Mask.AsSpan3D(), _labels.AsSpan3D(), _connectivity, degreeOfParallelism: threads);

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["count"] = _count,
            ["labels_sha256"] = Digest.Of<uint>(_labels.Span),
        };

        public override void Dispose()
        {
            _labels.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>
/// <c>edt</c>: exact Euclidean distance transform of <c>a &gt; t</c> into a reused float64 output
/// (peers: <c>scipy.ndimage.distance_transform_edt</c> and <c>vigra.filters.distanceTransform</c>); compared by the
/// sum and maximum of the distances.
/// </summary>
internal sealed class EdtOp : ThroughputOp
{
    public override string Name => "edt";

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => sizeof(bool) + sizeof(double);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T> : MaskedRun<T>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<double> _distances;

        public Prepared(NdArray<T> volume)
            : base(volume) => _distances = NdArray<double>.Allocate(volume.Shape);

        public override void Run(int threads) =>
            DistanceTransform.Euclidean<double>(Mask.AsSpan3D(), _distances.AsSpan3D(), degreeOfParallelism: threads);

        public override IReadOnlyDictionary<string, object> Result()
        {
            double sum = 0, max = 0;
            foreach (double d in _distances.Span)
            {
                sum += d;
                max = Math.Max(max, d);
            }

            return new Dictionary<string, object> { ["sum"] = sum, ["max"] = max };
        }

        public override void Dispose()
        {
            _distances.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>A prepared op over the foreground mask <c>a &gt; t</c> of the sample volume, computed once.</summary>
internal abstract class MaskedRun<T> : IPreparedOp
    where T : unmanaged, INumber<T>
{
    protected MaskedRun(NdArray<T> volume)
    {
        Mask = NdArray<bool>.Allocate(volume.Shape);
        Threshold.GreaterThan(volume.AsSpan3D(), T.CreateTruncating(SampleVolumes.Threshold), Mask.AsSpan3D());
        Voxels = volume.Length;
    }

    public long Voxels { get; }

    protected NdArray<bool> Mask { get; }

    public abstract void Run(int threads);

    public abstract IReadOnlyDictionary<string, object> Result();

    public virtual void Dispose() => Mask.Dispose();
}
