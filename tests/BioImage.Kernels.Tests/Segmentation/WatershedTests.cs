using System.Numerics;
using System.Text.Json;
using BioImage;

namespace BioImage.Kernels.Tests.Segmentation;

public class WatershedTests
{
    public static TheoryData<string> WatershedCases => SegmentationFixtures.Names("watershed");

    [Theory]
    [MemberData(nameof(WatershedCases))]
    public void Equals_skimage_watershed_on_the_fixtures_including_plateaus(string name)
    {
        var entry = SegmentationFixtures.Case("watershed", name);
        var (input, header) = SegmentationFixtures.Input(entry);
        using var seeds = SegmentationFixtures.Read<int>(entry.GetProperty("seeds").GetString()!);
        var maskFile = entry.GetProperty("mask");
        using var mask = maskFile.ValueKind == JsonValueKind.Null ? null : SegmentationFixtures.Read<byte>(maskFile.GetString()!);
        var maskValues = mask?.ToArray().Select(b => b != 0).ToArray();
        double compactness = entry.GetProperty("compactness").GetDouble();
        int[] shape = header.Shape.Count == 3 ? [.. header.Shape] : [1, header.Shape[0], header.Shape[1]];
        foreach (var output in entry.GetProperty("outputs").EnumerateObject())
        {
            int connectivity = int.Parse(output.Name, System.Globalization.CultureInfo.InvariantCulture);
            using var expected = SegmentationFixtures.Read<int>(output.Value.GetString()!);
            foreach (int threads in new[] { 1, 2 })
            {
                var run = new Run(seeds.ToArray(), maskValues, shape, header.Shape.Count == 2, connectivity, compactness, threads);
                int[] labels = header.DType switch
                {
                    DType.Float64 => run.Flood<double>(input),
                    DType.Float32 => run.Flood<float>(input),
                    DType.UInt8 => run.Flood<byte>(input),
                    DType.UInt16 => run.Flood<ushort>(input),
                    _ => throw new InvalidDataException($"No test path for {header.DType}."),
                };
                Assert.True(expected.ToArray().SequenceEqual(labels), $"{name} connectivity {connectivity}, {threads} threads: {Differences(expected.ToArray(), labels)} voxels differ from skimage.");
            }
        }
    }

    [Theory]
    [InlineData("smooth_minima_3d")]
    [InlineData("terraces_seed_blocks_3d")]
    public void Fixtures_with_distinct_seed_heights_per_label_take_the_bucket_queue(string name)
    {
        var entry = SegmentationFixtures.Case("watershed", name);
        var (input, header) = SegmentationFixtures.Input(entry);
        using var seeds = SegmentationFixtures.Read<int>(entry.GetProperty("seeds").GetString()!);
        var labels = seeds.ToArray();
        var shape = header.Shape;
        bool buckets = header.DType == DType.Float64
            ? Watershed.UsesBuckets(new ReadOnlySpan3D<double>(SegmentationFixtures.Read<double>(input).ToArray(), shape[0], shape[1], shape[2]), new Span3D<int>(labels, shape[0], shape[1], shape[2]))
            : Watershed.UsesBuckets(new ReadOnlySpan3D<float>(SegmentationFixtures.Read<float>(input).ToArray(), shape[0], shape[1], shape[2]), new Span3D<int>(labels, shape[0], shape[1], shape[2]));
        Assert.True(buckets);
    }

    [Fact]
    public void The_fast_queues_flood_exactly_like_the_skimage_heap_on_plateaus()
    {
        // float32 and the integer types take the radix queue on the padded grid, float64 the bucket queue, and
        // float32 with a NaN falls back to the bucket queue: all must pop exactly as skimage's heap.
        FloodsLikeTheHeap(level => level, nan: false);
        FloodsLikeTheHeap(level => (double)level, nan: false);
        FloodsLikeTheHeap(level => (byte)level, nan: false);
        FloodsLikeTheHeap(level => (short)(level - 300), nan: false);
        FloodsLikeTheHeap(level => (uint)level * 100_000u, nan: false);
        FloodsLikeTheHeap(level => level, nan: true);
    }

    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 2, false)]
    [InlineData(1, 3, true)]
    [InlineData(3, 4, true)]
    public void Slabs_on_noise_are_repaired_across_their_seams_to_the_skimage_labels(int connectivity, int threads, bool masked)
    {
        // Noise heights (almost no ties) with seeds on a grid, each seed below all heights: the slabs disagree with
        // the whole flood around the seam, the repair must bring every voxel back and the certificate must accept.
        var random = new Random(7 + connectivity);
        foreach (int[] shape in new[] { new[] { 37, 29, 31 }, [8, 40, 9], [61, 17, 20] })
        {
            int n = shape[0] * shape[1] * shape[2];
            var heights = new float[n];
            var seeds = new uint[n];
            var mask = new bool[n];
            for (int i = 0; i < n; i++)
            {
                heights[i] = (float)random.NextDouble() * 100;
                mask[i] = !masked || random.NextDouble() > 0.2;
            }

            PlaceSeeds(heights, seeds, first: 5, step: 97);

            var heightView = new ReadOnlySpan3D<float>(heights, shape[0], shape[1], shape[2]);
            var maskView = masked ? new ReadOnlySpan3D<bool>(mask, shape[0], shape[1], shape[2]) : default;
            var inSlabs = (uint[])seeds.Clone();
            var onHeap = (uint[])seeds.Clone();
            Assert.True(Watershed.SeededInSlabs(heightView, new Span3D<uint>(inSlabs, shape[0], shape[1], shape[2]), connectivity, maskView, 0, threads), $"{string.Join('×', shape)}: the slab result was not proven.");
            Watershed.Seeded(heightView, new Span3D<uint>(onHeap, shape[0], shape[1], shape[2]), connectivity, maskView);
            if (!masked)
            {
                Watershed.SeededOnHeap(heightView, new Span3D<uint>(onHeap, shape[0], shape[1], shape[2]), connectivity);
            }

            Assert.True(onHeap.SequenceEqual(inSlabs), $"{string.Join('×', shape)}, connectivity {connectivity}: {Differences([.. onHeap.Select(v => (int)v)], [.. inSlabs.Select(v => (int)v)])} voxels differ.");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Slabs_settle_passes_of_equal_height_in_skimage_order(int connectivity)
    {
        // Noise rounded to 1/32: basins meet over passes of exactly the same height, and which label crosses first
        // depends on when each pass entered skimage's queue. Every such run must still be proven and equal skimage.
        int tiedVoxels = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            var random = new Random(seed);
            int[] shape = [37, 29, 31];
            int n = shape[0] * shape[1] * shape[2];
            var heights = new float[n];
            var seeds = new uint[n];
            for (int i = 0; i < n; i++)
            {
                heights[i] = MathF.Round((float)random.NextDouble() * 100 * 32) / 32;
            }

            PlaceSeeds(heights, seeds, first: 5, step: 97);

            var heightView = new ReadOnlySpan3D<float>(heights, shape[0], shape[1], shape[2]);
            var inSlabs = (uint[])seeds.Clone();
            var onHeap = (uint[])seeds.Clone();
            Assert.True(Watershed.SeededInSlabs(heightView, new Span3D<uint>(inSlabs, shape[0], shape[1], shape[2]), connectivity, default, 0, 2), $"seed {seed}: the slab result was not proven.");
            Watershed.SeededOnHeap(heightView, new Span3D<uint>(onHeap, shape[0], shape[1], shape[2]), connectivity);
            Assert.True(onHeap.SequenceEqual(inSlabs), $"seed {seed}, connectivity {connectivity}: {Differences([.. onHeap.Select(v => (int)v)], [.. inSlabs.Select(v => (int)v)])} voxels differ.");
            tiedVoxels += TiedVoxels(heights, onHeap, seeds, shape, Neighbourhood.Of(3, connectivity));
        }

        // The point of the data: skimage's labels have voxels whose lowest neighbours are of different labels.
        Assert.True(tiedVoxels >= 20, $"only {tiedVoxels} tied voxels");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Slabs_on_plateaus_fall_back_to_one_flood_when_ties_decide(int connectivity)
    {
        // Three height levels: most voxels tie, and only skimage's order settles which label crosses a plateau, so
        // slabs flooded apart cannot be proven and the volume is flooded in one piece — still skimage's labels.
        var random = new Random(11);
        int[] shape = [30, 21, 25];
        int n = shape[0] * shape[1] * shape[2];
        var heights = new float[n];
        var seeds = new uint[n];
        for (int i = 0; i < n; i++)
        {
            heights[i] = random.Next(3) + 41;
        }

        PlaceSeeds(heights, seeds, first: 3, step: 131);

        var heightView = new ReadOnlySpan3D<float>(heights, shape[0], shape[1], shape[2]);
        var parallel = (uint[])seeds.Clone();
        var onHeap = (uint[])seeds.Clone();
        bool proven = Watershed.SeededInSlabs(heightView, new Span3D<uint>(parallel, shape[0], shape[1], shape[2]), connectivity, default, 0, 2);
        Watershed.SeededOnHeap(heightView, new Span3D<uint>(onHeap, shape[0], shape[1], shape[2]), connectivity);
        Assert.False(proven);
        Assert.True(onHeap.SequenceEqual(parallel), $"connectivity {connectivity}: {Differences([.. onHeap.Select(v => (int)v)], [.. parallel.Select(v => (int)v)])} voxels differ.");
    }

    [Fact]
    public void The_neighbour_order_equals_skimage_offsets_to_raveled_neighbors()
    {
        foreach (var table in SegmentationFixtures.Root.GetProperty("neighbour_order").EnumerateObject())
        {
            var parts = table.Name.Split('/');
            var ours = Neighbourhood.Of(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            var theirs = table.Value.EnumerateArray().Select(d => d.EnumerateArray().Select(v => v.GetInt32()).ToArray()).Select(d => (d[0], d[1], d[2])).ToArray();
            Assert.Equal(theirs, ours);
        }
    }

    [Fact]
    public void Seeds_of_another_type_are_copied_and_checked()
    {
        var heights = new float[3 * 4 * 5];
        long[] seeds = new long[heights.Length];
        seeds[0] = 3_000_000_000L;
        seeds[^1] = 7;
        var labels = new uint[heights.Length];
        Watershed.Seeded(new ReadOnlySpan3D<float>(heights, 3, 4, 5), new ReadOnlySpan3D<long>(seeds, 3, 4, 5), new Span3D<uint>(labels, 3, 4, 5));
        Assert.Contains(3_000_000_000u, labels);
        Assert.Contains(7u, labels);
        Assert.DoesNotContain(0u, labels);

        seeds[3] = -1;
        Assert.Throws<OverflowException>(() => Watershed.Seeded(new ReadOnlySpan3D<float>(heights, 3, 4, 5), new ReadOnlySpan3D<long>(seeds, 3, 4, 5), new Span3D<uint>(labels, 3, 4, 5)));
        Assert.Throws<ArgumentOutOfRangeException>("connectivity", () => Watershed.Seeded(new ReadOnlySpan2D<float>(heights, 4, 15), new Span2D<uint>(labels, 4, 15), 3));
        Assert.Throws<ArgumentOutOfRangeException>("compactness", () => Watershed.Seeded(new ReadOnlySpan3D<float>(heights, 3, 4, 5), new Span3D<uint>(labels, 3, 4, 5), 1, default, -1));
    }

    /// <summary>
    /// Heights with 3, 12 and 200 levels (seeds below all of them, each label at its own height, equal within a label;
    /// single voxels and 2×2 blocks): <see cref="Watershed.Seeded{THeight, TLabel}(ReadOnlySpan3D{THeight}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double, int)"/>
    /// equals the heap replica for every connectivity.
    /// </summary>
    private static void FloodsLikeTheHeap<T>(Func<int, T> height, bool nan)
        where T : unmanaged, INumber<T>
    {
        var random = new Random(40);
        foreach (int levels in new[] { 3, 12, 200 })
        {
            int[] shape = [9, 23, 31];
            int n = shape[0] * shape[1] * shape[2];
            var heights = new T[n];
            for (int i = 0; i < n; i++)
            {
                heights[i] = height(random.Next(levels) + 41);
            }

            var seeds = new uint[n];
            for (uint label = 1; label <= 40; label++)
            {
                int start = random.Next(n - 40);
                foreach (int index in label % 2 == 0 ? [start] : new[] { start, start + 1, start + 31, start + 32 })
                {
                    seeds[index] = label;
                    heights[index] = height((int)label);
                }
            }

            if (nan)
            {
                heights[Array.IndexOf(seeds, 0u, n / 2)] = T.CreateTruncating(double.NaN);
            }

            var heightView = new ReadOnlySpan3D<T>(heights, shape[0], shape[1], shape[2]);
            Assert.True(Watershed.UsesBuckets(heightView, new Span3D<uint>((uint[])seeds.Clone(), shape[0], shape[1], shape[2])));
            for (int connectivity = 1; connectivity <= 3; connectivity++)
            {
                var fast = (uint[])seeds.Clone();
                var exact = (uint[])seeds.Clone();
                Watershed.Seeded(heightView, new Span3D<uint>(fast, shape[0], shape[1], shape[2]), connectivity);
                Watershed.SeededOnHeap(heightView, new Span3D<uint>(exact, shape[0], shape[1], shape[2]), connectivity);
                Assert.True(exact.SequenceEqual(fast), $"{typeof(T).Name}, {levels} levels, connectivity {connectivity}: {Differences([.. exact.Select(v => (int)v)], [.. fast.Select(v => (int)v)])} voxels differ.");
            }
        }
    }

    /// <summary>
    /// Non-seed voxels whose least-level neighbours carry different labels, with each voxel's level (the least, over
    /// paths from a seed, of the highest height on the path) from a plain minimax Dijkstra search.
    /// </summary>
    private static int TiedVoxels(float[] heights, uint[] labels, uint[] seeds, int[] shape, (int Z, int Y, int X)[] offsets)
    {
        var levels = Enumerable.Repeat(float.PositiveInfinity, heights.Length).ToArray();
        var queue = new PriorityQueue<int, float>();
        for (int i = 0; i < heights.Length; i++)
        {
            if (seeds[i] != 0)
            {
                levels[i] = heights[i];
                queue.Enqueue(i, heights[i]);
            }
        }

        IEnumerable<int> Neighbours(int i)
        {
            int z = i / (shape[1] * shape[2]), y = i / shape[2] % shape[1], x = i % shape[2];
            foreach (var (dz, dy, dx) in offsets)
            {
                if ((uint)(z + dz) < shape[0] && (uint)(y + dy) < shape[1] && (uint)(x + dx) < shape[2])
                {
                    yield return i + (((dz * shape[1]) + dy) * shape[2]) + dx;
                }
            }
        }

        while (queue.TryDequeue(out int voxel, out float level))
        {
            if (level > levels[voxel])
            {
                continue;
            }

            foreach (int neighbour in Neighbours(voxel))
            {
                float reached = Math.Max(heights[neighbour], level);
                if (reached < levels[neighbour])
                {
                    levels[neighbour] = reached;
                    queue.Enqueue(neighbour, reached);
                }
            }
        }

        return Enumerable.Range(0, heights.Length).Count(i =>
        {
            float least = Neighbours(i).Min(j => levels[j]);
            return seeds[i] == 0 && Neighbours(i).Where(j => levels[j] == least).Select(j => labels[j]).Distinct().Count() > 1;
        });
    }

    /// <summary>
    /// Seeds labelled 1, 2, … every <paramref name="step"/> voxels from <paramref name="first"/>, each at height −label
    /// (below every other height, no two tied).
    /// </summary>
    private static void PlaceSeeds(float[] heights, uint[] seeds, int first, int step)
    {
        for (int i = first, label = 1; i < heights.Length; i += step, label++)
        {
            seeds[i] = (uint)label;
            heights[i] = -label;
        }
    }

    private static int Differences(int[] expected, int[] actual) => expected.Where((v, i) => v != actual[i]).Count();

    /// <summary>One fixture run: seeds copied into int32 labels for 3D, or through the seeds overload into uint64 for 2D.</summary>
    private sealed class Run(int[] seeds, bool[]? mask, int[] shape, bool planar, int connectivity, double compactness, int degreeOfParallelism)
    {
        public int[] Flood<T>(string file)
            where T : unmanaged, INumber<T>
        {
            using var image = SegmentationFixtures.Read<T>(file);
            var heights = image.ToArray();
            if (planar)
            {
                var labels = new ulong[seeds.Length];
                var maskView = mask is null ? default : new ReadOnlySpan2D<bool>(mask, shape[1], shape[2]);
                Watershed.Seeded(new ReadOnlySpan2D<T>(heights, shape[1], shape[2]), new ReadOnlySpan2D<int>(seeds, shape[1], shape[2]), new Span2D<ulong>(labels, shape[1], shape[2]), connectivity, maskView, compactness);
                return [.. labels.Select(v => (int)v)];
            }

            var result = (int[])seeds.Clone();
            var mask3D = mask is null ? default : new ReadOnlySpan3D<bool>(mask, shape[0], shape[1], shape[2]);
            Watershed.Seeded(new ReadOnlySpan3D<T>(heights, shape[0], shape[1], shape[2]), new Span3D<int>(result, shape[0], shape[1], shape[2]), connectivity, mask3D, compactness, degreeOfParallelism);
            return result;
        }
    }
}
