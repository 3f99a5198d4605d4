using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// How the objects of one label image of a region overlap those of another image of the same region, normalised by
/// the first image's objects — the rows bioimage-py's stitching measures at a tile interface
/// (<c>_face_overlap_rows</c>): for every pair (a, b) of labels that share a voxel,
/// <c>fraction = count(a, b) / size(a)</c>, where size(a) is the number of voxels of a in the region. Label 0 is an
/// object like any other. Rows are sorted by (a, b); labels are their uint64 bit pattern.
/// </summary>
/// <remarks>
/// The counts are the <see cref="ContingencyTable"/> of the two images (one pass, O(n) for n voxels); size(a) is the
/// sum of a's counts, so each fraction is one division of two exact integers rounded once — what numpy's float64
/// <c>counts / size_a</c> gives below 2^53 voxels. O(n + k) for k rows.
/// </remarks>
/// <param name="A">The first image's label of each row.</param>
/// <param name="B">The second image's label of each row.</param>
/// <param name="Fractions">count(a, b) / size(a) of each row, in (0, 1].</param>
public sealed record OverlapRows(ulong[] A, ulong[] B, double[] Fractions)
{
    /// <summary>No rows.</summary>
    public static OverlapRows Empty { get; } = new([], [], []);

    /// <summary>The number of rows.</summary>
    public int Length => Fractions.Length;

    /// <summary>The rows of two images of one region (equal length, the same C order).</summary>
    /// <exception cref="ArgumentException">The images differ in length.</exception>
    public static OverlapRows Of<TA, TB>(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b)
        where TA : unmanaged, IBinaryInteger<TA>
        where TB : unmanaged, IBinaryInteger<TB>
    {
        var table = ContingencyTable.Count(a, b);
        var fractions = new double[table.Length];
        var labels = table.SegLabels;
        var counts = table.Counts;
        for (int first = 0, end; first < labels.Length; first = end)
        {
            long size = 0;
            for (end = first; end < labels.Length && labels[end] == labels[first]; end++)
            {
                size += counts[end];
            }

            for (int row = first; row < end; row++)
            {
                fractions[row] = (double)counts[row] / size;
            }
        }

        return new OverlapRows(table.SegLabels, table.GtLabels, fractions);
    }

    /// <summary>The rows of several regions one after the other (duplicate pairs kept).</summary>
    public static OverlapRows Concat(IEnumerable<OverlapRows> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.Where(p => p.Length > 0).ToList();
        return list.Count switch
        {
            0 => Empty,
            1 => list[0],
            _ => new OverlapRows([.. list.SelectMany(p => p.A)], [.. list.SelectMany(p => p.B)], [.. list.SelectMany(p => p.Fractions)]),
        };
    }
}
