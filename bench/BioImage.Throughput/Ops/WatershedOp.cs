using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>watershed</c>: seeded 6-connected watershed of the sample volume into reused uint32 labels (peers:
/// <c>skimage.segmentation.watershed</c> and <c>vigra.analysis.watershedsNew(method="RegionGrowing")</c>).
/// </summary>
/// <remarks>
/// Seeds: one voxel every <see cref="SeedSpacing"/> voxels along each axis (from <see cref="SeedSpacing"/>/2), labelled
/// 1, 2, … in raster order. On a signed type (float32) each seed's height is set to −label: the heights are then
/// plateau-free where it matters (no two seeds of different labels tie, the noise leaves almost every voxel distinct),
/// so every priority-flooding watershed — vigra's too — gives skimage's labels. On unsigned types the seeds keep the
/// volume's heights and tie in their hundreds: only skimage's heap order decides those, so vigra is left out there.
/// The seeds are copied into the labels inside each timed run (skimage allocates its output, vigra copies the seeds).
/// </remarks>
internal sealed class WatershedOp : ThroughputOp
{
    /// <summary>Distance between seeds along each axis.</summary>
    public const int SeedSpacing = 16;

    public override string Name => "watershed";

    public override IReadOnlyList<DType> DTypes => [DType.Float32, DType.UInt8];

    /// <summary>
    /// float32 only: on the gate's 256×256×1024 uint8 input the tied seeds keep skimage's heap order (about 2 Mvox/s),
    /// and 17 runs of 30 s each would take the gate ten minutes.
    /// </summary>
    public override IReadOnlyList<DType> GatedDTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => itemSize + (2 * sizeof(uint));

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) =>
        new Dictionary<string, object> { ["seed_spacing"] = SeedSpacing, ["connectivity"] = 1 };

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T> : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<T> _heights;
        private readonly NdArray<uint> _seeds;
        private readonly NdArray<uint> _labels;

        public Prepared(NdArray<T> volume)
        {
            _heights = NdArray<T>.Allocate(volume.Shape);
            volume.Span.CopyTo(_heights.Span);
            _seeds = NdArray<uint>.Allocate(volume.Shape);
            _labels = NdArray<uint>.Allocate(volume.Shape);
            PlaceSeeds(_heights.AsSpan3D(), _seeds.AsSpan3D());
            Voxels = volume.Length;
        }

        public long Voxels { get; }

        public void Run(int threads)
        {
            _seeds.Span.CopyTo(_labels.Span);
            Watershed.Seeded(_heights.AsSpan3D().AsReadOnly(), _labels.AsSpan3D(), connectivity: 1, degreeOfParallelism: threads);
        }

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["labels_sha256"] = Digest.Of<uint>(_labels.Span),
        };

        public void Dispose()
        {
            _heights.Dispose();
            _seeds.Dispose();
            _labels.Dispose();
        }

        private static void PlaceSeeds(Span3D<T> heights, Span3D<uint> seeds)
        {
            bool signed = T.IsNegative(T.CreateSaturating(-1));
            uint label = 0;
            for (int z = SeedSpacing / 2; z < seeds.Depth; z += SeedSpacing)
            {
                for (int y = SeedSpacing / 2; y < seeds.Height; y += SeedSpacing)
                {
                    for (int x = SeedSpacing / 2; x < seeds.Width; x += SeedSpacing)
                    {
                        seeds[z, y, x] = ++label;
                        if (signed)
                        {
                            heights[z, y, x] = -T.CreateTruncating(label);
                        }
                    }
                }
            }
        }
    }
}
