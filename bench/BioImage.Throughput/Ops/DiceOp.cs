using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>dice</c>: <see cref="DiceSums.Of{TSeg, TGt}"/> of the volume's raw values against its own foreground
/// (<c>a &gt; t</c>): a soft dice, the probability-map case of bioimage-py's <c>dice_score(a, a, threshold_seg=None,
/// threshold_gt=t)</c> (peer: that function's float64 numpy formula on the array in memory).
/// </summary>
internal sealed class DiceOp : ThroughputOp
{
    public override string Name => "dice";

    public override int BytesPerVoxel(int itemSize) => itemSize;

    /// <summary>Not gated until the gate has a baseline for it.</summary>
    public override bool IsGated => false;

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : SlabRun<DiceSums>(volume.Shape[0], volume.Length)
        where T : unmanaged, INumber<T>
    {
        private readonly int _plane = volume.Length / volume.Shape[0];

        public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object> { ["dice"] = Last.Score };

        protected override DiceSums RunSlab(int begin, int end)
        {
            ReadOnlySpan<T> slab = volume.Span[(begin * _plane)..(end * _plane)];
            return DiceSums.Of(slab, slab, null, SampleVolumes.Threshold);
        }

        protected override DiceSums Merge(DiceSums first, DiceSums second) => first.Merge(second);
    }
}
