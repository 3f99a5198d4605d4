using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary><c>minmax</c>: <see cref="Moments.MinMax{T}"/> (peer: <c>a.min(), a.max()</c>).</summary>
internal sealed class MinMaxOp : ThroughputOp
{
    public override string Name => "minmax";

    public override int BytesPerVoxel(int itemSize) => itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : SlabRun<(T Min, T Max)>(volume.Shape[0], volume.Length)
        where T : unmanaged, INumber<T>
    {
        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["min"] = double.CreateTruncating(Last.Min),
            ["max"] = double.CreateTruncating(Last.Max),
        };

        protected override (T Min, T Max) RunSlab(int begin, int end)
        {
            int plane = volume.Length / volume.Shape[0];
            return Moments.MinMax<T>(volume.Span[(begin * plane)..(end * plane)]);
        }

        protected override (T Min, T Max) Merge((T Min, T Max) first, (T Min, T Max) second) =>
            (T.Min(first.Min, second.Min), T.Max(first.Max, second.Max));
    }
}
