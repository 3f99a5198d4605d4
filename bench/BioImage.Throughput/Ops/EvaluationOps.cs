using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>What an <see cref="EvaluationOp"/> computes from the two labelings.</summary>
internal enum EvaluationMetric
{
    /// <summary>The contingency table alone — peer <c>skimage.metrics.contingency_table(gt, seg)</c>.</summary>
    Table,

    /// <summary>Variation of information (split, merge) — peer <c>skimage.metrics.variation_of_information(gt, seg)</c>.</summary>
    Vi,

    /// <summary>Adapted Rand error in skimage's convention — peer <c>skimage.metrics.adapted_rand_error(gt, seg)</c>.</summary>
    Are,
}

/// <summary>
/// <c>contingency-1k</c>, <c>vi-1k</c>, <c>are-1k</c> and their <c>-100k</c> twins: a segmentation scored against a ground
/// truth, both uint32, made once outside the timed runs on both sides. The ground truth is the morphology benchmark's
/// labelling (cells of a cubic grid, about <paramref name="objects"/> of them, intersected with <c>a &gt; t</c>); the segmentation
/// is the same grid shifted by a third of a cell on every axis, each cell split in two along x, background-free — so
/// each object overlaps about a dozen others: ~2·10⁴ pairs for 10³ objects, ~10⁶ for 10⁵.
/// </summary>
internal sealed class EvaluationOp(string name, int objects, EvaluationMetric metric) : ThroughputOp
{
    public static IReadOnlyList<ThroughputOp> All { get; } =
    [
        .. new[] { ("1k", 1000), ("100k", 100_000) }.SelectMany(size => new[]
        {
            new EvaluationOp($"contingency-{size.Item1}", size.Item2, EvaluationMetric.Table),
            new EvaluationOp($"vi-{size.Item1}", size.Item2, EvaluationMetric.Vi),
            new EvaluationOp($"are-{size.Item1}", size.Item2, EvaluationMetric.Are),
        }),
    ];

    public override string Name => name;

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    /// <summary>The gate checks the table only: VI and the Rand error add O(pairs) to the same counting.</summary>
    public override bool IsGated => metric == EvaluationMetric.Table;

    public override int BytesPerVoxel(int itemSize) => 2 * sizeof(uint);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold, ["cell"] = MorphologyOp.CellFor(shape, objects) };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume, MorphologyOp.CellFor(input.Volume.Shape.ToArray(), objects), metric);

    private sealed class Prepared<T> : MaskedRun<T>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<uint> _gt, _seg;
        private readonly EvaluationMetric _metric;
        private ContingencyTable _table = ContingencyTable.Empty;
        private (double Split, double Merge) _vi;
        private double _are;

        public Prepared(NdArray<T> volume, int cell, EvaluationMetric metric)
            : base(volume)
        {
            _metric = metric;
            _gt = NdArray<uint>.Allocate(volume.Shape);
            _seg = NdArray<uint>.Allocate(volume.Shape);
            var shape = volume.Shape;
            int shift = cell / 3;
            int cellsY = (shape[1] + cell - 1) / cell, cellsX = (shape[2] + cell - 1) / cell;
            int shiftedY = (shape[1] + shift + cell - 1) / cell, shiftedX = (shape[2] + shift + cell - 1) / cell;
            for (int z = 0, i = 0; z < shape[0]; z++)
            {
                for (int y = 0; y < shape[1]; y++)
                {
                    for (int x = 0; x < shape[2]; x++, i++)
                    {
                        _gt.Span[i] = Mask.Span[i] ? (uint)((((z / cell * cellsY) + (y / cell)) * cellsX) + (x / cell) + 1) : 0;
                        uint shifted = (uint)(((((z + shift) / cell * shiftedY) + ((y + shift) / cell)) * shiftedX) + ((x + shift) / cell) + 1);
                        _seg.Span[i] = (2 * shifted) + ((x + shift) % cell >= cell / 2 ? 1u : 0u);
                    }
                }
            }
        }

        public override void Run(int threads)
        {
            switch (_metric)
            {
                case EvaluationMetric.Table:
                    _table = ContingencyTable.Count<uint, uint>(_seg.Span, _gt.Span, threads);
                    break;
                case EvaluationMetric.Vi:
                    _vi = VariationOfInformation.Compute(ContingencyTable.Count<uint, uint>(_seg.Span, _gt.Span, threads));
                    break;
                default:
                    _are = AdaptedRandError.Compute<uint, uint>(_gt.Span, _seg.Span, degreeOfParallelism: threads).Error;
                    break;
            }
        }

        public override IReadOnlyDictionary<string, object> Result() => _metric switch
        {
            EvaluationMetric.Table => new Dictionary<string, object>
            {
                ["pairs"] = (long)_table.Length,
                ["seg_sha256"] = Digest.Of<ulong>(_table.SegLabels),
                ["gt_sha256"] = Digest.Of<ulong>(_table.GtLabels),
                ["counts_sha256"] = Digest.Of<long>(_table.Counts),
            },
            EvaluationMetric.Vi => new Dictionary<string, object> { ["split"] = _vi.Split, ["merge"] = _vi.Merge },
            _ => new Dictionary<string, object> { ["are"] = _are },
        };

        public override void Dispose()
        {
            _gt.Dispose();
            _seg.Dispose();
            base.Dispose();
        }
    }
}
