using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary><c>threshold</c>: <see cref="Threshold.GreaterThan{T}(ReadOnlySpan3D{T}, T, Span3D{bool})"/> into a reused mask (peer: <c>a &gt; t</c>).</summary>
internal sealed class ThresholdOp : ThroughputOp
{
    public override string Name => "threshold";

    public override int BytesPerVoxel(int itemSize) => itemSize + sizeof(bool);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : SlabRun<long>(volume.Shape[0], volume.Length)
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<bool> _mask = NdArray<bool>.Allocate(volume.Shape);

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["count"] = Last,
            ["mask_sha256"] = Digest.Of<bool>(_mask.Span),
        };

        public override void Dispose()
        {
            _mask.Dispose();
            base.Dispose();
        }

        protected override long RunSlab(int begin, int end) =>
            Threshold.GreaterThan(Planes(volume.AsSpan3D(), begin, end), T.CreateTruncating(SampleVolumes.Threshold), Planes(_mask.AsSpan3D(), begin, end));

        protected override long Merge(long first, long second) => first + second;
    }
}
