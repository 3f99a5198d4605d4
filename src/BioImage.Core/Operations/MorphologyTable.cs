namespace BioImage.Operations;

/// <summary>
/// The result of <see cref="Morphology"/>: one row per nonzero label, sorted by label — bioimage-py's morphology
/// DataFrame with labels as uint64 (never float64: ids above 2⁵³ stay distinct) and the exact coordinate sums the
/// centres of mass come from.
/// </summary>
public sealed class MorphologyTable
{
    /// <summary>Creates a table from its exact columns; the centres of mass are derived from them.</summary>
    /// <param name="rank">Axes of the labelled volume (1–3).</param>
    /// <param name="labels">Sorted distinct nonzero labels.</param>
    /// <param name="sizes">Voxels per label.</param>
    /// <param name="coordinateSums">Per axis, the sum of that coordinate over each label's voxels.</param>
    /// <param name="boundingBoxMin">Per axis, each label's smallest coordinate.</param>
    /// <param name="boundingBoxMax">Per axis, each label's largest coordinate + 1 (exclusive).</param>
    public MorphologyTable(int rank, ulong[] labels, long[] sizes, UInt128[][] coordinateSums, long[][] boundingBoxMin, long[][] boundingBoxMax)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(coordinateSums);
        Rank = rank;
        Labels = labels;
        Sizes = sizes;
        CoordinateSums = coordinateSums;
        BoundingBoxMin = boundingBoxMin;
        BoundingBoxMax = boundingBoxMax;
        CenterOfMass = [.. coordinateSums.Select(sums => sums.Select((sum, row) => CenterOf(sum, sizes[row])).ToArray())];
    }

    /// <summary>Axes of the labelled volume.</summary>
    public int Rank { get; }

    /// <summary>bioimage-py's axis names: y, x (2D); z, y, x (3D); else axis0 ….</summary>
    public IReadOnlyList<string> AxisNames => ObjectTables.AxisNames(Rank);

    /// <summary>Number of rows (labels).</summary>
    public int Count => Labels.Length;

    /// <summary>The sorted nonzero labels (column <c>label</c>).</summary>
    public ulong[] Labels { get; }

    /// <summary>Voxels per label (column <c>size</c>).</summary>
    public long[] Sizes { get; }

    /// <summary>Per axis, Σ coordinate over each label's voxels, exact.</summary>
    public UInt128[][] CoordinateSums { get; }

    /// <summary>Per axis, the centre of mass (columns <c>com_&lt;axis&gt;</c>): the exact sum divided once by the size.</summary>
    public double[][] CenterOfMass { get; }

    /// <summary>Per axis, the smallest coordinate (columns <c>bb_min_&lt;axis&gt;</c>, inclusive).</summary>
    public long[][] BoundingBoxMin { get; }

    /// <summary>Per axis, the largest coordinate + 1 (columns <c>bb_max_&lt;axis&gt;</c>, exclusive).</summary>
    public long[][] BoundingBoxMax { get; }

    /// <summary>The columns in bioimage-py's order: label, size, com_*, bb_min_*, bb_max_*.</summary>
    public IReadOnlyList<TableColumn> Columns()
    {
        var axes = ObjectTables.AxisNames(Rank);
        return
        [
            new("label", Labels),
            new("size", Sizes),
            .. axes.Select((axis, a) => new TableColumn("com_" + axis, CenterOfMass[a])),
            .. axes.Select((axis, a) => new TableColumn("bb_min_" + axis, BoundingBoxMin[a])),
            .. axes.Select((axis, a) => new TableColumn("bb_max_" + axis, BoundingBoxMax[a])),
        ];
    }

    /// <summary>Writes the table as CSV with bioimage-py's header (what <c>regionprops --table</c> reads).</summary>
    public void WriteCsv(string path) => ObjectTables.WriteCsv(path, Columns());

    /// <summary>
    /// sum / size correctly rounded when the sum is below 2⁵³ (then it equals bioimage-py's float64 quotient bit for
    /// bit); beyond, the integer quotient plus the rounded remainder fraction, within an ulp.
    /// </summary>
    private static double CenterOf(UInt128 sum, long size)
    {
        if (sum < (UInt128)1 << 53)
        {
            return (double)sum / size;
        }

        var whole = sum / (ulong)size;
        return (double)whole + ((double)(sum - (whole * (ulong)size)) / size);
    }
}
