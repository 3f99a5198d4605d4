using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>local-maxima</c>: <see cref="LocalMaxima.Find{T}(ReadOnlySpan3D{T}, int, double?, double?, int?)"/> with
/// min_distance 2 above the sample threshold (peer: <c>skimage.feature.peak_local_max</c>, the same arguments), on
/// float32 — integer volumes have equal neighbouring values, whose order skimage leaves unspecified. The peaks are
/// compared as a set (count and digest of the sorted coordinates). The kernel is single-threaded.
/// </summary>
internal sealed class LocalMaximaOp : ThroughputOp
{
    private const int MinDistance = 2;

    public override string Name => "local-maxima";

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override bool IsParallel => false;

    /// <summary>The volume is read; the peaks are few.</summary>
    public override int BytesPerVoxel(int itemSize) => itemSize;

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["min_distance"] = MinDistance, ["threshold_abs"] = SampleVolumes.Threshold };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        private int[] _peaks = [];

        public long Voxels => volume.Length;

        public void Run(int threads) => _peaks = LocalMaxima.Find<T>(volume.AsSpan3D(), MinDistance, thresholdAbs: SampleVolumes.Threshold);

        public IReadOnlyDictionary<string, object> Result()
        {
            var sorted = Enumerable.Range(0, _peaks.Length / 3)
                .Select(i => (Z: _peaks[3 * i], Y: _peaks[(3 * i) + 1], X: _peaks[(3 * i) + 2]))
                .Order()
                .SelectMany(p => new long[] { p.Z, p.Y, p.X })
                .ToArray();
            return new Dictionary<string, object> { ["count"] = sorted.Length / 3, ["sorted_coordinates_sha256"] = Digest.Of<long>(sorted) };
        }

        public void Dispose()
        {
        }
    }
}
