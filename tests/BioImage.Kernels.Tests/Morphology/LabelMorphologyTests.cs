using System.Numerics;

namespace BioImage.Kernels.Tests.Morphology;

/// <summary>
/// <see cref="LabelMorphology"/> equals a per-voxel brute force on random label images: dense and hash-map slot
/// lookup, runs ending at row ends, signed labels (negative ones measured too), single rows and single voxels, and any
/// thread count.
/// </summary>
public class LabelMorphologyTests
{
    public static TheoryData<int, int, int, long, int> Cases() => new()
    {
        { 7, 9, 11, 40, 1 },            // dense slot table
        { 7, 9, 11, 40, 3 },
        { 5, 13, 17, 1L << 40, 1 },     // range too large for a dense table: hash map
        { 5, 13, 17, 1L << 40, 4 },
        { 1, 1, 1, 3, 1 },
        { 1, 1, 64, 5, 2 },
        { 30, 2, 3, 1000, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_brute_force(int depth, int height, int width, long spread, int threads)
    {
        var random = new Random(depth * 1000 + width);
        var ids = Enumerable.Range(0, 12).Select(_ => random.NextInt64(1, spread + 1)).ToArray();
        var data = new long[depth * height * width];
        for (int i = 0; i < data.Length;)
        {
            // Runs of 1–6 voxels, a third of them background.
            long label = random.Next(3) == 0 ? 0 : ids[random.Next(ids.Length)];
            for (int run = random.Next(1, 7); run > 0 && i < data.Length; run--)
            {
                data[i++] = label;
            }
        }

        AssertBruteForce(data, depth, height, width, threads);
        AssertBruteForce([.. data.Select(v => (ulong)v)], depth, height, width, threads);
        AssertBruteForce([.. data.Select(v => v % 3 == 1 ? -v : v)], depth, height, width, threads);
    }

    [Fact]
    public void Empty_and_all_background_images_have_no_labels()
    {
        Assert.Empty(LabelMorphology.Measure(new ReadOnlySpan3D<int>([], 0, 4, 4)).Labels);
        Assert.Empty(LabelMorphology.Measure(new ReadOnlySpan3D<byte>(new byte[60], 3, 4, 5), 2).Regions);
    }

    private static void AssertBruteForce<T>(T[] data, int depth, int height, int width, int threads)
        where T : unmanaged, IBinaryInteger<T>
    {
        var expected = new SortedDictionary<T, LabelRegion>();
        for (int z = 0; z < depth; z++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    T label = data[(((z * height) + y) * width) + x];
                    if (label == T.Zero)
                    {
                        continue;
                    }

                    var voxel = new LabelRegion(1, z, y, x, z, y, x, z, y, x);
                    expected[label] = expected.TryGetValue(label, out var region) ? region.Union(voxel) : voxel;
                }
            }
        }

        var (labels, regions) = LabelMorphology.Measure(new ReadOnlySpan3D<T>(data, depth, height, width), threads);
        Assert.Equal(expected.Keys, labels);
        Assert.Equal(expected.Values, regions);
    }
}
