using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Seeded watershed by priority flooding — <c>skimage.segmentation.watershed(image, markers, connectivity, mask,
/// compactness)</c> of scikit-image 0.19, voxel for voxel, including its tie-breaking on plateaus.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm (Beucher and Meyer's flooding with a priority queue; Soille 1990 for ordering ties by entry time, as
/// skimage documents): every seed voxel enters the queue keyed on (height, age) in raster order. The voxel popped
/// next labels each unlabelled in-mask neighbour with its own label at once and pushes it with its own height and
/// the next age, so on a plateau the voxels nearest a seed (in queue time) win. Neighbours are visited in skimage's
/// order (<see cref="Neighbourhood"/>). Heights are compared as float64 (skimage casts the image).
/// </para>
/// <para>
/// The queue: skimage keys every seed on age 0, so seeds of equal height tie and its binary heap's sift rules decide
/// between them. When no two seeds of equal height carry different labels, those ties cannot change the result and
/// every key can be made distinct, so any priority queue pops in skimage's order. Then heights with order-preserving
/// 32-bit keys (float32, integers up to 32 bits, no NaN) flood on a padded grid through a radix heap
/// (<see cref="FloodGrid"/>, <see cref="FloodRadixQueue"/>: O(1) amortised per voxel, no bounds checks, prefetched
/// neighbours), other heights through a cache-friendly bucket queue (<see cref="FloodBuckets"/>, O(1) amortised per
/// voxel plus small heaps). Otherwise — and for the compact watershed — a replica of skimage's heap is used
/// (<see cref="FloodHeap"/>, O(log q) per voxel, with cache misses once the queue outgrows the cache). Either way
/// the labels equal skimage's.
/// </para>
/// <para>
/// Threads: on the radix path of a 3D float32 volume, two or three threads flood as many slabs of planes at once;
/// the seams between them are repaired (<see cref="FloodSeamRepair"/>) and the whole result is checked against
/// conditions that imply skimage's labels (<see cref="FloodCertificate"/>). Two basins meeting over two passes of
/// exactly the same height are settled by replaying skimage's order at that level (<see cref="FloodTies"/>). When
/// the check still fails — only ties that the levels cannot order do that, such as two passes pushed at the same
/// water level, or wide plateaus — the volume is flooded again in one piece, so the labels never depend on the thread
/// count, but that run costs about 1.7 times the one-thread time. Integer heights tie too often and always flood in
/// one piece.
/// </para>
/// <para>
/// Compact watershed (Neubert and Protzel, ICPR 2014), <c>compactness &gt; 0</c>: the priority is
/// <c>height + compactness · distance to the seed the voxel was reached from</c>, and a voxel is labelled when it is
/// popped (the first pop wins), not when it is pushed.
/// </para>
/// <para>
/// Seeds outside the mask are removed (set to 0) and voxels outside the mask stay 0, as in skimage
/// (<c>markers * mask</c>); voxels no seed can reach stay 0.
/// </para>
/// </remarks>
public static class Watershed
{
    /// <summary>
    /// Floods <paramref name="heights"/> from the seeds in <paramref name="labels"/> (nonzero voxels) and writes the
    /// basins into <paramref name="labels"/>.
    /// </summary>
    /// <param name="heights">The height map (any real or integer type; compared as float64).</param>
    /// <param name="labels">On entry the seeds (0 = no seed), on exit the labels.</param>
    /// <param name="connectivity">1 (6-neighbourhood), 2 (18) or 3 (26).</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded (empty for all).</param>
    /// <param name="compactness">0 for the classic watershed; &gt; 0 for the compact watershed.</param>
    /// <param name="degreeOfParallelism">Threads (from 2 on, float32 heights flood in slabs; the labels are the same).</param>
    public static void Seeded<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, int connectivity = 1, ReadOnlySpan3D<bool> mask = default, double compactness = 0, int degreeOfParallelism = 1)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel> =>
        SeededInSlabs(heights, labels, connectivity, mask, compactness, degreeOfParallelism);

    /// <summary>The same with the seeds given separately, in any integer type; they are copied into <paramref name="labels"/> first.</summary>
    /// <param name="heights">The height map (any real or integer type; compared as float64).</param>
    /// <param name="seeds">The seeds (0 = no seed); each must fit in <typeparamref name="TLabel"/>.</param>
    /// <param name="labels">Output: the labels.</param>
    /// <param name="connectivity">1 (6-neighbourhood), 2 (18) or 3 (26).</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded (empty for all).</param>
    /// <param name="compactness">0 for the classic watershed; &gt; 0 for the compact watershed.</param>
    /// <param name="degreeOfParallelism">Threads (from 2 on, float32 heights flood in slabs; the labels are the same).</param>
    public static void Seeded<THeight, TSeed, TLabel>(ReadOnlySpan3D<THeight> heights, ReadOnlySpan3D<TSeed> seeds, Span3D<TLabel> labels, int connectivity = 1, ReadOnlySpan3D<bool> mask = default, double compactness = 0, int degreeOfParallelism = 1)
        where THeight : unmanaged, INumber<THeight>
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        seeds.Layout.CheckSameShape(labels.Layout, nameof(seeds));
        CopySeeds(seeds, labels);
        Seeded(heights, labels, connectivity, mask, compactness, degreeOfParallelism);
    }

    /// <summary>2D: floods from the seeds in <paramref name="labels"/>; connectivity 1 (4-neighbourhood) or 2 (8).</summary>
    /// <inheritdoc cref="Seeded{THeight, TLabel}(ReadOnlySpan3D{THeight}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double, int)"/>
    public static void Seeded<THeight, TLabel>(ReadOnlySpan2D<THeight> heights, Span2D<TLabel> labels, int connectivity = 1, ReadOnlySpan2D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Check(heights.AsSpan3D().Layout, labels.AsSpan3D().Layout, mask.AsSpan3D(), connectivity, 2, compactness, 1);
        Flood(heights.AsSpan3D(), labels.AsSpan3D(), Neighbourhood.Of(2, connectivity), mask.AsSpan3D(), compactness, allowBuckets: true, 1);
    }

    /// <summary>2D with the seeds given separately.</summary>
    /// <inheritdoc cref="Seeded{THeight, TSeed, TLabel}(ReadOnlySpan3D{THeight}, ReadOnlySpan3D{TSeed}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double, int)"/>
    public static void Seeded<THeight, TSeed, TLabel>(ReadOnlySpan2D<THeight> heights, ReadOnlySpan2D<TSeed> seeds, Span2D<TLabel> labels, int connectivity = 1, ReadOnlySpan2D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        seeds.AsSpan3D().Layout.CheckSameShape(labels.AsSpan3D().Layout, nameof(seeds));
        CopySeeds(seeds.AsSpan3D(), labels.AsSpan3D());
        Seeded(heights, labels, connectivity, mask, compactness);
    }

    /// <summary>The 3D watershed; true when its labels came from slabs flooded in parallel (for tests that the slab path is taken).</summary>
    internal static bool SeededInSlabs<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, int connectivity, ReadOnlySpan3D<bool> mask, double compactness, int degreeOfParallelism)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Check(heights.Layout, labels.Layout, mask, connectivity, 3, compactness, degreeOfParallelism);
        return Flood(heights, labels, Neighbourhood.Of(3, connectivity), mask, compactness, allowBuckets: true, degreeOfParallelism);
    }

    /// <summary>The 3D watershed always on the skimage heap replica: for tests that the bucket queue pops identically.</summary>
    internal static void SeededOnHeap<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, int connectivity)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Check(heights.Layout, labels.Layout, default, connectivity, 3, 0, 1);
        Flood(heights, labels, Neighbourhood.Of(3, connectivity), default, 0, allowBuckets: false, 1);
    }

    /// <summary>True when a fast queue (radix heap or bucket queue, not the heap replica) would be used for these seeds (see <see cref="FastQueueIsExact"/>).</summary>
    internal static bool UsesBuckets<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel> =>
        FastQueueIsExact(CollectSeeds(heights, labels, default), compact: false);

    private static void Check(ViewLayout heights, ViewLayout labels, ReadOnlySpan3D<bool> mask, int connectivity, int rank, double compactness, int degreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        heights.CheckSameShape(labels, nameof(labels));
        if (!mask.IsEmpty)
        {
            heights.CheckSameShape(mask.Layout, nameof(mask));
        }

        if (connectivity < 1 || connectivity > rank)
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"Connectivity must be in 1..{rank} for a {rank}D image.");
        }

        if (!(compactness >= 0) || double.IsInfinity(compactness))
        {
            throw new ArgumentOutOfRangeException(nameof(compactness), compactness, "Compactness must be finite and not negative.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopySeeds<TSeed, TLabel>(ReadOnlySpan3D<TSeed> seeds, Span3D<TLabel> labels)
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        for (int z = 0; z < seeds.Depth; z++)
        {
            for (int y = 0; y < seeds.Height; y++)
            {
                var source = seeds.GetRowSpan(z, y);
                var target = labels.GetRowSpan(z, y);
                for (int x = 0; x < source.Length; x++)
                {
                    target[x] = TLabel.CreateSaturating(source[x]) is var label && TSeed.CreateSaturating(label) == source[x]
                        ? label
                        : throw new OverflowException($"Seed {source[x]} at ({z}, {y}, {x}) does not fit in {typeof(TLabel).Name} labels.");
                }
            }
        }
    }

    /// <summary>Floods with the fastest exact queue; true when the labels came from slabs.</summary>
    private static bool Flood<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, (int Z, int Y, int X)[] offsets, ReadOnlySpan3D<bool> mask, double compactness, bool allowBuckets, int degreeOfParallelism)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        int depth = heights.Depth, height = heights.Height, width = heights.Width;
        int plane = height * width;
        bool masked = !mask.IsEmpty;
        bool compact = compactness > 0;
        var seeds = CollectSeeds(heights, labels, mask);
        bool fastQueueIsExact = allowBuckets && FastQueueIsExact(seeds, compact);
        if (allowBuckets && !compact && FloodGrid.Supports<THeight>() && FloodGrid.TryFlood(heights, labels, offsets, mask, seeds.Indices, radix: fastQueueIsExact, degreeOfParallelism, out bool inSlabs))
        {
            return inSlabs;
        }

        int seedCount = seeds.Indices.Count;
        var (low, high) = fastQueueIsExact ? HeightRange(heights) : default;
        using var queue = fastQueueIsExact
            ? new FloodBuckets(low, high, Math.Clamp(depth * plane / 64, 256, 1 << 20))
            : (IFloodQueue)new FloodHeap();
        bool distinctSeedAges = queue is FloodBuckets;
        for (int i = 0; i < seedCount; i++)
        {
            int index = seeds.Indices[i];
            queue.Push(new FloodItem(seeds.Heights[i], distinctSeedAges ? i : 0, index));
        }

        // Ages of pushed voxels follow the seeds' (skimage: seeds 0, then 2, 3, …; only their order matters).
        int age = seedCount;
        var sources = compact ? new List<int>() : null;
        while (queue.Count > 0)
        {
            var item = queue.Pop();
            var (z, y, x) = Coordinates(item.Index, plane, width);
            ref TLabel here = ref labels.DangerousGetReferenceAt(z, y, x);
            (int Z, int Y, int X) source = default;
            int sourceIndex = item.Index;
            if (compact)
            {
                sourceIndex = item.Age <= seedCount ? item.Index : sources![item.Age - seedCount - 1];
                source = Coordinates(sourceIndex, plane, width);
                if (here != TLabel.Zero && item.Index != sourceIndex)
                {
                    continue;
                }

                here = labels.DangerousGetReferenceAt(source.Z, source.Y, source.X);
            }

            TLabel label = here;
            foreach (var (dz, dy, dx) in offsets)
            {
                int nz = z + dz, ny = y + dy, nx = x + dx;
                if ((uint)nz >= (uint)depth || (uint)ny >= (uint)height || (uint)nx >= (uint)width)
                {
                    continue;
                }

                ref TLabel neighbour = ref labels.DangerousGetReferenceAt(nz, ny, nx);
                if (neighbour != TLabel.Zero || (masked && !mask.DangerousGetReferenceAt(nz, ny, nx)))
                {
                    continue;
                }

                age = checked(age + 1);
                double priority = double.CreateTruncating(heights.DangerousGetReferenceAt(nz, ny, nx));
                if (compact)
                {
                    double distanceZ = nz - source.Z, distanceY = ny - source.Y, distanceX = nx - source.X;
                    priority += compactness * Math.Sqrt((distanceZ * distanceZ) + (distanceY * distanceY) + (distanceX * distanceX));
                    sources!.Add(sourceIndex);
                }
                else
                {
                    neighbour = label;
                }

                queue.Push(new FloodItem(priority, age, (nz * plane) + (ny * width) + nx));
            }
        }

        return false;
    }

    /// <summary>
    /// True when the bucket queue pops exactly as skimage's heap: every key is distinct once seeds are aged in raster
    /// order, and the only keys skimage leaves tied — seeds of equal height — are harmless when such seeds carry the
    /// same label (whichever floods first, the same voxels get the same label, and all other keys keep their order).
    /// Compact flooding keeps the heap (its priorities have no known range).
    /// </summary>
    private static bool FastQueueIsExact(Seeds seeds, bool compact)
    {
        return !compact && NoSeedsTieAcrossLabels(seeds.Heights, seeds.Labels);
    }

    /// <summary>True when no two seeds of equal <paramref name="heights"/> carry different <paramref name="labels"/> (see <see cref="FastQueueIsExact"/>).</summary>
    internal static bool NoSeedsTieAcrossLabels(List<double> heights, List<ulong> labels)
    {
        var order = Enumerable.Range(0, heights.Count).ToArray();
        var keys = heights.ToArray();
        Array.Sort(keys, order);
        for (int i = 1; i < order.Length; i++)
        {
            if (keys[i] == keys[i - 1] && labels[order[i]] != labels[order[i - 1]])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The least and the greatest height, as float64.</summary>
    private static (double Low, double High) HeightRange<THeight>(ReadOnlySpan3D<THeight> heights)
        where THeight : unmanaged, INumber<THeight>
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int z = 0; z < heights.Depth; z++)
        {
            for (int y = 0; y < heights.Height && heights.Width > 0; y++)
            {
                var (rowLow, rowHigh) = Moments.MinMax(heights.GetRowSpan(z, y));
                low = Math.Min(low, double.CreateTruncating(rowLow));
                high = Math.Max(high, double.CreateTruncating(rowHigh));
            }
        }

        return (low, high);
    }

    /// <summary>The seeds in raster order (those outside the mask are removed from <paramref name="labels"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Seeds CollectSeeds<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, ReadOnlySpan3D<bool> mask)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        var seeds = new Seeds();
        bool masked = !mask.IsEmpty;
        int plane = heights.Height * heights.Width;
        for (int z = 0; z < heights.Depth; z++)
        {
            for (int y = 0; y < heights.Height; y++)
            {
                var row = labels.GetRowSpan(z, y);
                var heightRow = heights.GetRowSpan(z, y);
                var maskRow = masked ? mask.GetRowSpan(z, y) : default;
                for (int x = 0; x < row.Length; x++)
                {
                    int skipped = row[x..].IndexOfAnyExcept(TLabel.Zero);
                    if (skipped < 0)
                    {
                        break;
                    }

                    x += skipped;
                    if (masked && !maskRow[x])
                    {
                        row[x] = TLabel.Zero;
                        continue;
                    }

                    seeds.Indices.Add((z * plane) + (y * heights.Width) + x);
                    seeds.Heights.Add(double.CreateTruncating(heightRow[x]));
                    seeds.Labels.Add(ulong.CreateTruncating(row[x]));
                }
            }
        }

        return seeds;
    }

    /// <summary>Seed voxels in raster order with their heights and labels.</summary>
    private sealed class Seeds
    {
        public List<int> Indices { get; } = [];

        public List<double> Heights { get; } = [];

        public List<ulong> Labels { get; } = [];
    }

    private static (int Z, int Y, int X) Coordinates(int index, int plane, int width)
    {
        int z = Math.DivRem(index, plane, out int rest);
        int y = Math.DivRem(rest, width, out int x);
        return (z, y, x);
    }
}
