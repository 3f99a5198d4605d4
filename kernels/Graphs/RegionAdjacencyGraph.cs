using System.Numerics;

namespace BioImage.Kernels.Graphs;

/// <summary>
/// A region adjacency graph — bioimage-cpp's <c>RegionAdjacencyGraph</c>: nodes 0 … max label (label 0 is an ordinary
/// node; labels that do not occur are isolated nodes), one edge (u, v), u &lt; v, per pair of labels that touch across
/// a face (6-neighbourhood in 3D, 4 in 2D), edges sorted lexicographically with edge id = rank, and each edge's size
/// (its number of face pairs). Built by <see cref="EdgeAccumulation"/> (block-wise with <see cref="EdgeTable.Merge"/>);
/// <see cref="FindEdge"/> is a binary search, O(log k).
/// </summary>
public sealed class RegionAdjacencyGraph
{
    private readonly ulong[] _u;
    private readonly ulong[] _v;
    private readonly long[] _sizes;

    /// <summary>The graph of an edge table (of the whole volume, or the merge of its blocks).</summary>
    public RegionAdjacencyGraph(EdgeTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        (NodeCount, _u, _v, _sizes) = (table.NodeCount, table.U, table.V, table.Sizes);
    }

    /// <summary>The number of nodes: the largest label plus one.</summary>
    public long NodeCount { get; }

    /// <summary>The number of edges.</summary>
    public int EdgeCount => _u.Length;

    /// <summary>The smaller node of each edge, by edge id.</summary>
    public ReadOnlySpan<ulong> U => _u;

    /// <summary>The larger node of each edge, by edge id.</summary>
    public ReadOnlySpan<ulong> V => _v;

    /// <summary>The number of face pairs of each edge, by edge id.</summary>
    public ReadOnlySpan<long> Sizes => _sizes;

    /// <summary>The graph of a whole 2D or 3D label volume (2D: depth 1).</summary>
    /// <exception cref="ArgumentException">A label is negative.</exception>
    public static RegionAdjacencyGraph Build<TLabel>(ReadOnlySpan3D<TLabel> labels)
        where TLabel : unmanaged, IBinaryInteger<TLabel> =>
        new(EdgeAccumulation.Accumulate(labels, new Index3(labels.Depth, labels.Height, labels.Width)));

    /// <summary>The id of edge (u, v) (either order), or −1 when the nodes do not touch.</summary>
    public int FindEdge(ulong u, ulong v)
    {
        (u, v) = (Math.Min(u, v), Math.Max(u, v));
        int low = 0, high = _u.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = _u[middle] != u ? _u[middle].CompareTo(u) : _v[middle].CompareTo(v);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }
}
