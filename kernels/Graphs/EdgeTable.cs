using System.Runtime.CompilerServices;

namespace BioImage.Kernels.Graphs;

/// <summary>
/// The edges of a region adjacency graph found in one part of a label volume (a block, or the whole), with what is
/// needed to merge parts exactly: per edge (u &lt; v, sorted lexicographically) the number of face pairs, how many of
/// them lie along the first (z) axis, and — over a boundary map — the sum, minimum and maximum of the face-pair values
/// and, when quantiles are asked for, every face-pair value (grouped by edge, ascending within an edge).
/// </summary>
/// <remarks>
/// <see cref="Merge"/> unites sorted tables pairwise, level by level, in O(k log p) for k edges in p parts: sizes,
/// minima and maxima merge exactly; sums add (in a different order than one whole-volume scan, so a block-wise mean
/// may differ in the last bits); value lists merge as sorted runs, so every statistic computed from them
/// (<see cref="EdgeFeatures"/>) is the same for any blocking. Memory: 6 words per edge, plus one double per face pair
/// when the values are kept (for a 512³ volume of ~10⁵ supervoxels that is ~10⁸ face pairs, 0.8 GB).
/// </remarks>
public sealed class EdgeTable
{
    /// <summary>A table; the arrays are taken as they are.</summary>
    /// <param name="nodeCount">The largest label seen plus one (0 for an empty part).</param>
    /// <param name="u">The smaller label of each edge; edges sorted by (u, v), distinct.</param>
    /// <param name="v">The larger label of each edge.</param>
    /// <param name="sizes">The number of face pairs of each edge (≥ 1).</param>
    /// <param name="depthSizes">The number of those face pairs along the first (z) axis.</param>
    /// <param name="sums">The sum of the face-pair values of each edge, or null without a boundary map.</param>
    /// <param name="minima">The smallest face-pair value of each edge, or null.</param>
    /// <param name="maxima">The largest face-pair value of each edge, or null.</param>
    /// <param name="values">Every face-pair value, grouped by edge in edge order and ascending within an edge, or null.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, or the edges are not sorted and distinct with u &lt; v.</exception>
    public EdgeTable(long nodeCount, ulong[] u, ulong[] v, long[] sizes, long[] depthSizes, double[]? sums = null, double[]? minima = null, double[]? maxima = null, double[]? values = null)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(depthSizes);
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        int count = u.Length;
        if (v.Length != count || sizes.Length != count || depthSizes.Length != count
            || (sums is not null && (sums.Length != count || minima?.Length != count || maxima?.Length != count)))
        {
            throw new ArgumentException($"An edge table needs one u, v, size, depth size (and sum, minimum, maximum) per edge; got {u.Length}, {v.Length}, {sizes.Length}, {depthSizes.Length}, {sums?.Length}, {minima?.Length}, {maxima?.Length}.", nameof(v));
        }

        for (int i = 0; i < count; i++)
        {
            if (u[i] >= v[i] || v[i] >= (ulong)nodeCount || (i > 0 && (u[i] < u[i - 1] || (u[i] == u[i - 1] && v[i] <= v[i - 1]))))
            {
                throw new ArgumentException($"Edges must have u < v < nodeCount ({nodeCount}) and be sorted and distinct; edge {i} is ({u[i]}, {v[i]}).", nameof(u));
            }
        }

        if (values is not null && (sums is null || values.LongLength != Sum(sizes)))
        {
            throw new ArgumentException($"Face-pair values need sums and one value per face pair ({Sum(sizes)}); got {values.LongLength}.", nameof(values));
        }

        (NodeCount, U, V, Sizes, DepthSizes, Sums, Minima, Maxima, Values) = (nodeCount, u, v, sizes, depthSizes, sums, minima, maxima, values);
    }

    /// <summary>No edge and no node.</summary>
    public static EdgeTable Empty { get; } = new(0, [], [], [], []);

    /// <summary>The largest label seen plus one.</summary>
    public long NodeCount { get; }

    /// <summary>The smaller label of each edge.</summary>
    public ulong[] U { get; }

    /// <summary>The larger label of each edge.</summary>
    public ulong[] V { get; }

    /// <summary>The number of face pairs of each edge.</summary>
    public long[] Sizes { get; }

    /// <summary>The number of face pairs of each edge along the first (z) axis (0 for 2D labels).</summary>
    public long[] DepthSizes { get; }

    /// <summary>The sum of each edge's face-pair values, or null without a boundary map.</summary>
    public double[]? Sums { get; }

    /// <summary>The smallest face-pair value of each edge, or null.</summary>
    public double[]? Minima { get; }

    /// <summary>The largest face-pair value of each edge, or null.</summary>
    public double[]? Maxima { get; }

    /// <summary>Every face-pair value, grouped by edge and ascending within an edge, or null when not kept.</summary>
    public double[]? Values { get; }

    /// <summary>The number of edges.</summary>
    public int EdgeCount => U.Length;

    /// <summary>
    /// The table of the union of disjoint parts (blocks): node counts take the maximum, equal edges add their sizes
    /// and sums and keep the extreme values; kept values merge as sorted runs.
    /// </summary>
    /// <exception cref="ArgumentException">Some parts keep values (or have a boundary map) and others do not.</exception>
    public static EdgeTable Merge(IEnumerable<EdgeTable> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var level = parts.ToList();
        if (level.Count == 0)
        {
            return Empty;
        }

        while (level.Count > 1)
        {
            var next = new List<EdgeTable>((level.Count + 1) / 2);
            for (int i = 0; i < level.Count; i += 2)
            {
                next.Add(i + 1 < level.Count ? MergeTwo(level[i], level[i + 1]) : level[i]);
            }

            level = next;
        }

        return level[0];
    }

    private static long Sum(long[] sizes)
    {
        long total = 0;
        foreach (long size in sizes)
        {
            total += size;
        }

        return total;
    }

    /// <summary>The union of two sorted tables in one linear pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static EdgeTable MergeTwo(EdgeTable left, EdgeTable right)
    {
        if (left.EdgeCount == 0 && left.Sums is null)
        {
            return right.NodeCount >= left.NodeCount ? right : WithNodeCount(right, left.NodeCount);
        }

        if (right.EdgeCount == 0 && right.Sums is null)
        {
            return left.NodeCount >= right.NodeCount ? left : WithNodeCount(left, right.NodeCount);
        }

        if ((left.Sums is null) != (right.Sums is null) || (left.Values is null) != (right.Values is null))
        {
            throw new ArgumentException("Edge tables merge only when all have boundary features of the same kind (sums, and values for all or none).", nameof(right));
        }

        int capacity = left.EdgeCount + right.EdgeCount;
        var u = new ulong[capacity];
        var v = new ulong[capacity];
        var sizes = new long[capacity];
        var depth = new long[capacity];
        bool features = left.Sums is not null;
        var sums = features ? new double[capacity] : null;
        var minima = features ? new double[capacity] : null;
        var maxima = features ? new double[capacity] : null;
        var values = left.Values is not null ? new double[left.Values.LongLength + right.Values!.LongLength] : null;
        long leftValue = 0, rightValue = 0, written = 0;
        int i = 0, j = 0, k = 0;
        while (i < left.EdgeCount || j < right.EdgeCount)
        {
            int order = i == left.EdgeCount ? 1 : j == right.EdgeCount ? -1
                : left.U[i] != right.U[j] ? left.U[i].CompareTo(right.U[j])
                : left.V[i].CompareTo(right.V[j]);
            var from = order <= 0 ? left : right;
            int at = order <= 0 ? i : j;
            (u[k], v[k], sizes[k], depth[k]) = (from.U[at], from.V[at], from.Sizes[at], from.DepthSizes[at]);
            if (features)
            {
                (sums![k], minima![k], maxima![k]) = (from.Sums![at], from.Minima![at], from.Maxima![at]);
            }

            if (order == 0)
            {
                sizes[k] += right.Sizes[j];
                depth[k] += right.DepthSizes[j];
                if (features)
                {
                    sums![k] += right.Sums![j];
                    minima![k] = Math.Min(minima[k], right.Minima![j]);
                    maxima![k] = Math.Max(maxima[k], right.Maxima![j]);
                }
            }

            if (values is not null)
            {
                var leftRun = order <= 0 ? left.Values.AsSpan((int)leftValue, (int)left.Sizes[i]) : default;
                var rightRun = order >= 0 ? right.Values.AsSpan((int)rightValue, (int)right.Sizes[j]) : default;
                MergeSorted(leftRun, rightRun, values.AsSpan((int)written, leftRun.Length + rightRun.Length));
                (leftValue, rightValue, written) = (leftValue + leftRun.Length, rightValue + rightRun.Length, written + leftRun.Length + rightRun.Length);
            }

            i += order <= 0 ? 1 : 0;
            j += order >= 0 ? 1 : 0;
            k++;
        }

        return new EdgeTable(Math.Max(left.NodeCount, right.NodeCount), u[..k], v[..k], sizes[..k], depth[..k], sums?[..k], minima?[..k], maxima?[..k], values);
    }

    private static EdgeTable WithNodeCount(EdgeTable table, long nodeCount) =>
        new(nodeCount, table.U, table.V, table.Sizes, table.DepthSizes, table.Sums, table.Minima, table.Maxima, table.Values);

    private static void MergeSorted(ReadOnlySpan<double> left, ReadOnlySpan<double> right, Span<double> target)
    {
        int i = 0, j = 0, k = 0;
        while (i < left.Length && j < right.Length)
        {
            target[k++] = right[j] < left[i] ? right[j++] : left[i++];
        }

        left[i..].CopyTo(target[k..]);
        right[j..].CopyTo(target[(k + left.Length - i)..]);
    }
}
