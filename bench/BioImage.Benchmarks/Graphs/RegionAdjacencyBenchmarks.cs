using BenchmarkDotNet.Attributes;
using BioImage.Kernels;
using BioImage.Kernels.Graphs;

namespace BioImage.Benchmarks.Graphs;

/// <summary>
/// <see cref="EdgeAccumulation"/> on a 256³ uint32 supervoxel-like labelling (~10⁴ labels: cells of a 12-voxel grid
/// with wavy boundaries, 8·10⁴ edges) and a float32 boundary map, one thread: the graph alone, with the mean
/// feature, and with every face-pair value kept (all 12 features). bench/rag-timing.py times the numpy oracle and
/// vigra's RAG on the same kind of volume.
/// </summary>
[BenchmarkCategory("Graphs")]
public class RegionAdjacencyBenchmarks
{
    private const int Size = 256;
    private const int Cell = 12;

    private uint[] _labels = null!;
    private float[] _boundaries = null!;

    /// <summary>Makes the labelling and the map.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_labels, _boundaries) = (new uint[Size * Size * Size], new float[Size * Size * Size]);
        const int cells = (Size / Cell) + 2;
        var random = new Random(42);
        for (int z = 0, i = 0; z < Size; z++)
        {
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++, i++)
                {
                    int cz = (int)((z + 2 + (2.5 * Math.Sin((0.31 * y) + (0.17 * x)))) / Cell);
                    int cy = (int)((y + 2 + (2.5 * Math.Sin((0.23 * z) + (0.29 * x)))) / Cell);
                    int cx = (int)((x + 2 + (2.5 * Math.Sin((0.19 * z) + (0.37 * y)))) / Cell);
                    _labels[i] = (uint)((((cz * cells) + cy) * cells) + cx);
                    _boundaries[i] = random.NextSingle();
                }
            }
        }
    }

    /// <summary>Edges and sizes; returns the edge count.</summary>
    [Benchmark]
    public int Graph() => EdgeAccumulation.Accumulate(Labels, new Index3(Size, Size, Size)).EdgeCount;

    /// <summary>Edges, sizes and the mean boundary value.</summary>
    [Benchmark]
    public int GraphAndMean() => EdgeAccumulation.Accumulate(Labels, new ReadOnlySpan3D<float>(_boundaries, Size, Size, Size), new Index3(Size, Size, Size), keepValues: false).EdgeCount;

    /// <summary>Edges, sizes and every face-pair value, then the 12 features.</summary>
    [Benchmark]
    public int GraphAndAllFeatures() =>
        EdgeFeatures.Compute(EdgeAccumulation.Accumulate(Labels, new ReadOnlySpan3D<float>(_boundaries, Size, Size, Size), new Index3(Size, Size, Size), keepValues: true), EdgeFeatureSet.All).Length;

    private ReadOnlySpan3D<uint> Labels => new(_labels, Size, Size, Size);
}
