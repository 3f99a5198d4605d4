using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>relabel-consecutive</c> / <c>relabel-sequential</c>: bioimage-py's relabel_consecutive (start 0, zeros kept)
/// of a uint32 label image into a reused uint32 output — peers <c>vigra.analysis.relabelConsecutive</c> (start 1,
/// zeros kept: the same result) and <c>skimage.segmentation.relabel_sequential</c>. The labels are the 6-connected
/// components of <c>a &gt; t</c> times 3 (sparse ids in raster order, so vigra's first-appearance numbering equals
/// the sorted one), made once outside the timed runs on both sides.
/// </summary>
internal sealed class RelabelConsecutiveOp(string name) : ThroughputOp
{
    public override string Name => name;

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => (2 * sizeof(uint)) + sizeof(uint);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) => LabelRun<float>.Parameters;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T> : LabelRun<T>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<uint> _relabeled;
        private uint _maxLabel;

        public Prepared(NdArray<T> volume)
            : base(volume) => _relabeled = NdArray<uint>.Allocate(volume.Shape);

        public override void Run(int threads) =>
            _maxLabel = Relabel.Consecutive<uint, uint>(Labels.AsSpan3D(), _relabeled.AsSpan3D(), 0u, keepZeros: true, degreeOfParallelism: threads).MaxLabel;

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["max_label"] = (long)_maxLabel,
            ["labels_sha256"] = Digest.Of<uint>(_relabeled.Span),
        };

        public override void Dispose()
        {
            _relabeled.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>
/// <c>unique</c>: the distinct values of the uint32 label image of <see cref="RelabelConsecutiveOp"/> with their
/// counts (peer: <c>numpy.unique(labels, return_counts=True)</c>).
/// </summary>
internal sealed class UniqueOp : ThroughputOp
{
    public override string Name => "unique";

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => sizeof(uint);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) => LabelRun<float>.Parameters;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : LabelRun<T>(volume)
        where T : unmanaged, INumber<T>
    {
        private (uint[] Values, long[] Counts) _last = ([], []);

        public override void Run(int threads) => _last = Unique.ValuesAndCounts<uint>(Labels.AsSpan3D(), threads);

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["count"] = (long)_last.Values.Length,
            ["values_sha256"] = Digest.Of<uint>(_last.Values),
            ["counts_sha256"] = Digest.Of<long>(_last.Counts),
        };
    }
}

/// <summary>A prepared op over the uint32 labels <c>3 · label(a &gt; t)</c> (6-connected) of the sample volume, made once.</summary>
internal abstract class LabelRun<T> : MaskedRun<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>The factor between consecutive component ids and the benchmark's labels.</summary>
    public const int Spacing = 3;

    protected LabelRun(NdArray<T> volume)
        : base(volume)
    {
        Labels = NdArray<uint>.Allocate(volume.Shape);
        ConnectedComponents.Label<uint>(Mask.AsSpan3D(), Labels.AsSpan3D(), connectivity: 1, degreeOfParallelism: Environment.ProcessorCount);
        foreach (ref uint label in Labels.Span)
        {
            label *= Spacing;
        }
    }

    public static IReadOnlyDictionary<string, object> Parameters { get; } =
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold, ["spacing"] = Spacing };

    protected NdArray<uint> Labels { get; }

    public override void Dispose()
    {
        Labels.Dispose();
        base.Dispose();
    }
}
