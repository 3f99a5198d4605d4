using System.Numerics;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="Evaluation"/> equals the whole volume: the contingency table of blocks that divide no axis,
/// merged on local threads, worker processes and Slurm, with and without a mask, equals the kernel's table of the
/// whole (masked) volume pair for label volumes of every dtype (uint64 ids above 2^63, negative ids, an all-zero
/// volume), and so does every metric; block ids count only their blocks; bad inputs and parameters are refused.
/// </summary>
[Collection(LabelOracleGroup.Name)]
public sealed class EvaluationTests(LabelOracle oracle)
{
    private static readonly Evaluation Everything = new() { Metrics = EvaluationMetrics.All, IgnoreSeg = [0], IgnoreGt = [0] };

    public static TheoryData<string, string, JobType, int, long[]> Cases() => new()
    {
        { "uint8", "uint64", JobType.Local, 1, [4, 5, 6] },
        { "int32", "uint16", JobType.Local, 3, [13, 2, 7] },
        { "int64", "uint32-zeros", JobType.Local, 2, [5, 17, 4] },
        { "uint16-nozero", "int32", JobType.Local, 2, [13, 17, 19] },
        { "uint32", "uint8", JobType.Subprocess, 2, [5, 17, 4] },
        { "uint64", "int64", JobType.Slurm, 3, [6, 7, 8] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_wise_equals_the_whole_volume(string segName, string gtName, JobType jobType, int workers, long[] blockShape)
    {
        foreach (bool masked in new[] { false, true })
        {
            var seg = oracle.Input(segName);
            var gt = oracle.Input(gtName);
            var result = Evaluation.Compute(seg, gt, oracle.Options(jobType, workers, blockShape, masked), Everything);
            var whole = WholeTable(seg, gt, masked ? oracle.Mask : null);
            Assert.Equal(whole.SegLabels, result.Table.SegLabels);
            Assert.Equal(whole.GtLabels, result.Table.GtLabels);
            Assert.Equal(whole.Counts, result.Table.Counts);
            Assert.Equal(whole.Total, result.Voxels);

            var kept = whole.DropIgnored([0], [0]);
            Assert.Equal(VariationOfInformation.Compute(kept), (result.ViSplit!.Value, result.ViMerge!.Value));
            Assert.Equal(AdaptedRandError.Compute(kept), (result.AdaptedRandError!.Value, result.RandIndex!.Value));
            Assert.Equal(CremiScore.Compute(kept).Score, result.CremiScore);
            Assert.Equal(ObjectMatching.Scores(whole), result.Matching);
            Assert.Equal(ObjectMatching.MeanSegmentationAccuracy(whole).Mean, result.MeanSegmentationAccuracy);
            Assert.Equal(DiceScore.Foreground(whole, seg.DType.IsSigned(), gt.DType.IsSigned()), result.Dice);
            Assert.Equal(DiceScore.SymmetricBest(whole), result.SymmetricBestDice);
        }
    }

    [Fact]
    public void Only_the_metrics_asked_for_and_block_ids_count_their_blocks()
    {
        var seg = oracle.Input("int32");
        var gt = oracle.Input("uint16");
        var vi = Evaluation.Compute(seg, gt, oracle.Options(JobType.Local, 2, [4, 5, 6]), new Evaluation { Metrics = EvaluationMetrics.Vi, UseLog2 = false });
        Assert.Equal(["viSplit", "viMerge"], vi.Metrics().Select(m => m.Name));
        Assert.Equal(VariationOfInformation.Compute(vi.Table, useLog2: false).Split, vi.ViSplit);

        // Block 0 only: the voxels of the box [0, 4) × [0, 5) × [0, 6).
        var first = Evaluation.Compute(seg, gt, oracle.Options(JobType.Local, 1, [4, 5, 6]) with { BlockIds = [0] });
        Assert.Equal(120, first.Voxels);

        var none = Evaluation.Compute(seg, gt, oracle.Options(JobType.Local, 2, [4, 5, 6]) with { Mask = new ArraySource<byte>(NdArray<byte>.Allocate(OperationFixture.Shape)) }, Everything);
        Assert.Equal(0, none.Voxels);
        Assert.Equal((0.0, 0.0, 0.0, 1.0, 0.0), (none.ViSplit!.Value, none.ViMerge!.Value, none.AdaptedRandError!.Value, none.RandIndex!.Value, none.Dice!.Value));
    }

    [Fact]
    public void Float_inputs_other_shapes_and_bad_parameters_are_refused()
    {
        var labels = oracle.Input("uint8");
        var floats = new ArraySource<float>(NdArray<float>.Allocate(OperationFixture.Shape));
        var small = new ArraySource<int>(NdArray<int>.Allocate([3, 4, 5]));
        var options = new RunOptions();
        Assert.Contains("integer dtype", Assert.Throws<OperationRefusedException>(() => Evaluation.Compute(labels, floats, options)).Message, StringComparison.Ordinal);
        Assert.Contains("must match", Assert.Throws<OperationRefusedException>(() => Evaluation.Compute(labels, small, options)).Message, StringComparison.Ordinal);
        Assert.Contains("--metrics", Assert.Throws<OperationRefusedException>(() => Evaluation.Compute(labels, labels, options, new Evaluation { Metrics = EvaluationMetrics.None })).Message, StringComparison.Ordinal);
        Assert.Contains("--threshold", Assert.Throws<OperationRefusedException>(() => Evaluation.Compute(labels, labels, options, new Evaluation { Threshold = double.NaN })).Message, StringComparison.Ordinal);
    }

    /// <summary>The kernel's table of the whole volumes, over the voxels inside <paramref name="mask"/> when given.</summary>
    private static ContingencyTable WholeTable(ISource seg, ISource gt, ISource? mask)
    {
        var region = Region.FromShape([.. seg.Shape]);
        var inside = mask is null ? null : LabelOracle.Strings(mask).Select(v => v != "0").ToArray();
        var segBits = Bits(seg, region);
        var gtBits = Bits(gt, region);
        var keep = Enumerable.Range(0, segBits.Length).Where(i => inside is null || inside[i]).ToArray();
        return ContingencyTable.Count<ulong, ulong>([.. keep.Select(i => segBits[i])], [.. keep.Select(i => gtBits[i])]);
    }

    private static ulong[] Bits(ISource source, Region region) => source.DType.DispatchInteger(new ReadBits(source, region), "labels");

    private sealed class ReadBits(ISource source, Region region) : IIntegerDTypeFunc<ulong[]>
    {
        public ulong[] Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            using var data = BlockData.Read<T>(source, region);
            return [.. data.ToArray().Select(ulong.CreateTruncating)];
        }
    }
}
