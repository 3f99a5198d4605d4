using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>copy-region</c>: <see cref="ReadOnlySpan3D{T}.CopyTo"/> of a strided region of interest (the interior, 1/8
/// margin on every side) into a reused contiguous array (peer: <c>np.copyto(out, a[roi])</c>). Mvox/s count the
/// region's voxels.
/// </summary>
internal sealed class CopyRegionOp : ThroughputOp
{
    public override string Name => "copy-region";

    public override int BytesPerVoxel(int itemSize) => 2 * itemSize;

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape)
    {
        var (begin, extent) = SampleVolumes.InteriorRegion([.. shape]);
        return new Dictionary<string, object> { ["begin"] = begin, ["end"] = begin.Zip(extent, (b, e) => b + e).ToArray() };
    }

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T> : SlabRun<ValueTuple>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<T> _volume;
        private readonly int[] _begin;
        private readonly NdArray<T> _region;

        public Prepared(NdArray<T> volume)
            : this(volume, SampleVolumes.InteriorRegion(volume.Shape))
        {
        }

        private Prepared(NdArray<T> volume, (int[] Begin, int[] Extent) region)
            : base(region.Extent[0], (long)region.Extent[0] * region.Extent[1] * region.Extent[2])
        {
            _volume = volume;
            _begin = region.Begin;
            _region = NdArray<T>.Allocate(region.Extent);
        }

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["region_sha256"] = Digest.Of<T>(_region.Span),
        };

        public override void Dispose()
        {
            _region.Dispose();
            base.Dispose();
        }

        protected override ValueTuple RunSlab(int begin, int end)
        {
            var destination = _region.AsSpan3D();
            var source = _volume.AsSpan3D().Slice(_begin[0], _begin[1], _begin[2], destination.Depth, destination.Height, destination.Width);
            Planes(source, begin, end).CopyTo(Planes(destination, begin, end));
            return default;
        }

        protected override ValueTuple Merge(ValueTuple first, ValueTuple second) => default;
    }
}
