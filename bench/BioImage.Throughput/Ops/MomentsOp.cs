using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary><c>moments</c>: <see cref="Moments.Of{T}(ReadOnlySpan3D{T})"/> (peer: <c>a.min(), a.max(), a.mean(), a.std()</c>).</summary>
internal sealed class MomentsOp : ThroughputOp
{
    public override string Name => "moments";

    public override int BytesPerVoxel(int itemSize) => itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : SlabRun<Moments>(volume.Shape[0], volume.Length)
        where T : unmanaged, INumber<T>
    {
        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["min"] = Last.Min,
            ["max"] = Last.Max,
            ["mean"] = Last.Mean,
            ["std"] = Last.StandardDeviation,
        };

        protected override Moments RunSlab(int begin, int end) => Moments.Of<T>(Planes(volume.AsSpan3D(), begin, end));

        protected override Moments Merge(Moments first, Moments second) => first.Merge(second);
    }
}
