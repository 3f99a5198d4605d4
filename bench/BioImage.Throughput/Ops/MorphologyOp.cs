using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>morphology-1k</c> / <c>morphology-100k</c>: the morphology table (size, centre of mass, bounding box per label)
/// of a uint32 labelling of the sample volume — peers <c>vigra.analysis.extractRegionFeatures</c> (Count, RegionCenter,
/// Coord&lt;Minimum&gt;, Coord&lt;Maximum&gt;) and <c>skimage.measure.regionprops_table</c> (label, area, centroid, bbox).
/// The labels, made once outside the timed runs on both sides, are the cells of a cubic grid intersected with
/// <c>a &gt; t</c> (id = cell index + 1), the cell edge chosen so that the grid has about <paramref name="objects"/>
/// cells (<see cref="CellFor"/>: 26 voxels for 10³ objects at 256³, 6 for 10⁵; 51 and 11 at 512³).
/// </summary>
internal sealed class MorphologyOp(string name, int objects) : ThroughputOp
{
    /// <summary>The cell edge of a grid with about <paramref name="objects"/> cells over <paramref name="shape"/>: round(∛(voxels / objects)), at least 2.</summary>
    public static int CellFor(IReadOnlyList<int> shape, int objects) =>
        Math.Max(2, (int)Math.Round(Math.Cbrt((double)shape[0] * shape[1] * shape[2] / objects)));

    public override string Name => name;

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => sizeof(uint);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["threshold"] = SampleVolumes.Threshold, ["cell"] = CellFor(shape, objects) };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume, CellFor(input.Volume.Shape.ToArray(), objects));

    private sealed class Prepared<T> : MaskedRun<T>
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<uint> _labels;
        private (uint[] Labels, LabelRegion[] Regions) _last = ([], []);

        public Prepared(NdArray<T> volume, int cell)
            : base(volume)
        {
            _labels = NdArray<uint>.Allocate(volume.Shape);
            var shape = volume.Shape;
            int cellsY = (shape[1] + cell - 1) / cell, cellsX = (shape[2] + cell - 1) / cell;
            for (int z = 0, i = 0; z < shape[0]; z++)
            {
                for (int y = 0; y < shape[1]; y++)
                {
                    for (int x = 0; x < shape[2]; x++, i++)
                    {
                        _labels.Span[i] = Mask.Span[i] ? (uint)((((z / cell * cellsY) + (y / cell)) * cellsX) + (x / cell) + 1) : 0;
                    }
                }
            }
        }

        public override void Run(int threads) => _last = LabelMorphology.Measure<uint>(_labels.AsSpan3D(), threads);

        public override IReadOnlyDictionary<string, object> Result()
        {
            var regions = _last.Regions;
            var boxes = regions.SelectMany(r => new long[] { r.MinZ, r.MinY, r.MinX, r.MaxZ + 1, r.MaxY + 1, r.MaxX + 1 }).ToArray();
            return new Dictionary<string, object>
            {
                ["objects"] = (long)regions.Length,
                ["sizes_sha256"] = Digest.Of<long>([.. regions.Select(r => r.Count)]),
                ["bbox_sha256"] = Digest.Of<long>(boxes),
                ["com_sum"] = regions.Sum(r => ((double)r.SumZ + r.SumY + r.SumX) / r.Count),
            };
        }

        public override void Dispose()
        {
            _labels.Dispose();
            base.Dispose();
        }
    }
}
