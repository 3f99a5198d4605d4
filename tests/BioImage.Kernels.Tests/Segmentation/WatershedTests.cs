using System.Numerics;
using System.Text.Json;
using BioImage;

namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// The seeded watershed against scikit-image 0.19: the committed fixtures (every dtype, 2D and 3D, masks, compact),
/// the fast queues against the heap replica on plateaus, and the slab path (two to four threads) against
/// <c>skimage.segmentation.watershed</c> run at test time on noise, plateaus and 64³ volumes with many seeds.
/// </summary>
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
        var volumes = new List<SlabVolume>();
        foreach (int[] shape in new[] { new[] { 37, 29, 31 }, [8, 40, 9], [61, 17, 20] })
        {
            int n = shape[0] * shape[1] * shape[2];
            var heights = new float[n];
            var mask = new bool[n];
            for (int i = 0; i < n; i++)
            {
                heights[i] = (float)random.NextDouble() * 100;
                mask[i] = !masked || random.NextDouble() > 0.2;
            }

            var seeds = new uint[n];
            PlaceSeeds(heights, seeds, first: 5, step: 97);
            volumes.Add(new SlabVolume(string.Join('×', shape), shape, heights, seeds, masked ? mask : null));
        }

        foreach (var (volume, expected) in volumes.Zip(SkimageWatershed(volumes, connectivity)))
        {
            var labels = (uint[])volume.Seeds.Clone();
            Assert.True(volume.InSlabs(labels, connectivity, threads), $"{volume.Name}: the slab result was not proven.");
            Assert.True(SameLabels(expected, labels), $"{volume.Name}, connectivity {connectivity}, {threads} threads: {Differences(expected, labels)} voxels differ from skimage.");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Two_threads_equal_skimage_on_64_cubed_volumes_with_many_seeds_and_plateaus(int connectivity)
    {
        // 64³ float32 volumes with 400 seeds (each below all heights, at its own height) flooded on two threads and,
        // for the masked one, three. Noise and noise with small flat boxes must be proven from the slabs (asserted,
        // so that the slab path is what is compared). Noise quantised to 1/32 ties at every level and a smooth field
        // quantised to 8 levels has equal-height regions of over 10⁵ voxels: there the certificate may accept the
        // slabs or flood again in one piece (today it accepts some), and a certificate that accepted wrong slabs
        // would show here. Every result must equal skimage's watershed run on the same arrays.
        int[] shape = [64, 64, 64];
        int n = shape[0] * shape[1] * shape[2];
        var random = new Random(64 + connectivity);
        float[] Noise() => [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() * 100)];

        var noise = Noise();
        var boxes = Noise();
        for (int box = 0; box < 200; box++)
        {
            int z0 = random.Next(shape[0] - 2), y0 = random.Next(shape[1] - 2), x0 = random.Next(shape[2] - 2);
            float level = random.Next(100);
            foreach (int i in new[] { 0, 1, shape[2], shape[2] + 1 })
            {
                int corner = (((z0 * shape[1]) + y0) * shape[2]) + x0 + i;
                boxes[corner] = boxes[corner + (shape[1] * shape[2])] = level;
            }
        }

        var quantised = Noise().Select(h => MathF.Round(h * 32) / 32).ToArray();
        var terraces = Smooth(Noise(), shape);
        var mask = Enumerable.Range(0, n).Select(_ => random.NextDouble() > 0.2).ToArray();
        (string Name, float[] Heights, bool[]? Mask, bool? Proven)[] cases =
        [
            ("noise", noise, null, true),
            ("noise, masked", Noise(), mask, true),
            ("noise with 200 flat 2×2×2 boxes", boxes, null, true),
            ("noise quantised to 1/32", quantised, null, null),
            ("smooth field quantised to 8 levels", [.. terraces.Select(h => MathF.Min(MathF.Floor(h * 8), 7))], null, null),
        ];

        var volumes = new List<SlabVolume>();
        foreach (var (name, heights, caseMask, _) in cases)
        {
            var seeds = new uint[n];
            for (uint label = 1; label <= 400; label++)
            {
                int index = random.Next(n);
                while (seeds[index] != 0)
                {
                    index = random.Next(n);
                }

                seeds[index] = label;
                heights[index] = -(float)label;
            }

            volumes.Add(new SlabVolume(name, shape, heights, seeds, caseMask));
        }

        Assert.True(volumes[^1].Heights.GroupBy(h => h).Max(level => level.Count()) > 100_000, "the terraces have no wide plateau");
        var expected = SkimageWatershed(volumes, connectivity);
        for (int i = 0; i < cases.Length; i++)
        {
            foreach (int threads in cases[i].Mask is null ? new[] { 2 } : [2, 3])
            {
                var labels = (uint[])volumes[i].Seeds.Clone();
                bool proven = volumes[i].InSlabs(labels, connectivity, threads);
                Assert.True(SameLabels(expected[i], labels), $"{cases[i].Name}, connectivity {connectivity}, {threads} threads (labels from {(proven ? "slabs" : "one flood")}): {Differences(expected[i], labels)} voxels differ from skimage.");
                if (cases[i].Proven is { } slabs)
                {
                    Assert.True(proven == slabs, $"{cases[i].Name}, connectivity {connectivity}, {threads} threads: the labels came from {(proven ? "slabs" : "one flood")}, expected {(slabs ? "slabs" : "one flood")}.");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Slabs_settle_passes_of_equal_height_in_skimage_order(int connectivity)
    {
        // Noise rounded to 1/32: basins meet over passes of exactly the same height, and which label crosses first
        // depends on when each pass entered skimage's queue. Every such run must still be proven and equal skimage.
        int[] shape = [37, 29, 31];
        int n = shape[0] * shape[1] * shape[2];
        var volumes = new List<SlabVolume>();
        for (int seed = 0; seed < 6; seed++)
        {
            var random = new Random(seed);
            var heights = new float[n];
            for (int i = 0; i < n; i++)
            {
                heights[i] = MathF.Round((float)random.NextDouble() * 100 * 32) / 32;
            }

            var seeds = new uint[n];
            PlaceSeeds(heights, seeds, first: 5, step: 97);
            volumes.Add(new SlabVolume($"seed {seed}", shape, heights, seeds, null));
        }

        int tiedVoxels = 0;
        foreach (var (volume, expected) in volumes.Zip(SkimageWatershed(volumes, connectivity)))
        {
            var labels = (uint[])volume.Seeds.Clone();
            Assert.True(volume.InSlabs(labels, connectivity, 2), $"{volume.Name}: the slab result was not proven.");
            Assert.True(SameLabels(expected, labels), $"{volume.Name}, connectivity {connectivity}: {Differences(expected, labels)} voxels differ from skimage.");
            tiedVoxels += TiedVoxels(volume.Heights, [.. expected.Select(v => (uint)v)], volume.Seeds, shape, Neighbourhood.Of(3, connectivity));
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

        var volume = new SlabVolume("three levels", shape, heights, seeds, null);
        var expected = SkimageWatershed([volume], connectivity)[0];
        var labels = (uint[])seeds.Clone();
        bool proven = volume.InSlabs(labels, connectivity, 2);
        Assert.True(SameLabels(expected, labels), $"connectivity {connectivity}: {Differences(expected, labels)} voxels differ from skimage.");
        Assert.False(proven);
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

    private static int Differences(int[] expected, uint[] actual) => expected.Where((v, i) => (uint)v != actual[i]).Count();

    private static bool SameLabels(int[] expected, uint[] actual) => expected.Select(v => (uint)v).SequenceEqual(actual);

    /// <summary>
    /// <c>skimage.segmentation.watershed(heights, seeds, connectivity=…, mask=…)</c> of each volume, computed now by
    /// /usr/bin/python3 in one process.
    /// </summary>
    private static int[][] SkimageWatershed(IReadOnlyList<SlabVolume> volumes, int connectivity)
    {
        using var exchange = new NumpyExchange();
        for (int i = 0; i < volumes.Count; i++)
        {
            var volume = volumes[i];
            exchange.Put($"heights{i}", volume.Heights, volume.Shape);
            exchange.Put($"seeds{i}", [.. volume.Seeds.Select(v => (int)v)], volume.Shape);
            if (volume.Mask is not null)
            {
                exchange.Put($"mask{i}", [.. volume.Mask.Select(b => b ? (byte)1 : (byte)0)], volume.Shape);
            }
        }

        string masked = string.Join(", ", Enumerable.Range(0, volumes.Count).Where(i => volumes[i].Mask is not null));
        exchange.Run($$"""
            from skimage.segmentation import watershed
            masked = [{{masked}}]
            for i in range({{volumes.Count}}):
                mask = load(f'mask{i}') != 0 if i in masked else None
                save(f'labels{i}', watershed(load(f'heights{i}'), load(f'seeds{i}'), connectivity={{connectivity}}, mask=mask).astype(np.int32))
            """);
        return [.. Enumerable.Range(0, volumes.Count).Select(i => exchange.Get<int>($"labels{i}"))];
    }

    /// <summary>
    /// Noise smoothed by two passes of a 9-voxel box filter along each axis and scaled to [0, 1]: values crowd
    /// around the middle, so a coarse quantisation leaves wide connected plateaus.
    /// </summary>
    private static float[] Smooth(float[] noise, int[] shape)
    {
        int[] strides = [shape[1] * shape[2], shape[2], 1];
        var field = noise;
        for (int pass = 0; pass < 6; pass++)
        {
            int axis = pass % 3, stride = strides[axis], extent = shape[axis];
            var source = field;
            field = new float[source.Length];
            for (int i = 0; i < source.Length; i++)
            {
                int position = i / stride % extent;
                float sum = 0;
                int count = 0;
                for (int k = Math.Max(-4, -position); k <= Math.Min(4, extent - 1 - position); k++, count++)
                {
                    sum += source[i + (k * stride)];
                }

                field[i] = sum / count;
            }
        }

        float low = field.Min(), high = field.Max();
        return [.. field.Select(v => (v - low) / (high - low))];
    }

    /// <summary>One float32 volume with its seeds (uint32 labels) and optional mask, for the slab tests.</summary>
    private sealed record SlabVolume(string Name, int[] Shape, float[] Heights, uint[] Seeds, bool[]? Mask)
    {
        /// <summary>Floods <paramref name="labels"/> (a copy of the seeds) on <paramref name="threads"/> threads; true when the labels came from slabs.</summary>
        public bool InSlabs(uint[] labels, int connectivity, int threads) =>
            Watershed.SeededInSlabs(
                new ReadOnlySpan3D<float>(Heights, Shape[0], Shape[1], Shape[2]),
                new Span3D<uint>(labels, Shape[0], Shape[1], Shape[2]),
                connectivity,
                Mask is null ? default : new ReadOnlySpan3D<bool>(Mask, Shape[0], Shape[1], Shape[2]),
                0,
                threads);
    }

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
