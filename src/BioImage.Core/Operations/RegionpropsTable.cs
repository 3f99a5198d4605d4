namespace BioImage.Operations;

/// <summary>The result of <see cref="Regionprops"/>: one row per object computed, in table order, with bioimage-py's columns.</summary>
/// <param name="Rank">Axes of the segmentation.</param>
/// <param name="Rows">The features of each object.</param>
/// <param name="Surface">The rows hold surface areas (column surface_area, last).</param>
public sealed record RegionpropsTable(int Rank, RegionFeatures[] Rows, bool Surface)
{
    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>
    /// The columns in bioimage-py's order: label, n_voxels, area, extent, equivalent_diameter_area, axis_major_length,
    /// axis_minor_length, centroid_*, bb_min_*, bb_max_* and, with <see cref="Surface"/>, surface_area.
    /// </summary>
    public IReadOnlyList<TableColumn> Columns()
    {
        var axes = ObjectTables.AxisNames(Rank);
        return
        [
            new("label", Rows.Select(r => r.Label).ToArray()),
            new("n_voxels", Rows.Select(r => r.Voxels).ToArray()),
            new("area", Rows.Select(r => r.Area).ToArray()),
            new("extent", Rows.Select(r => r.Extent).ToArray()),
            new("equivalent_diameter_area", Rows.Select(r => r.EquivalentDiameter).ToArray()),
            new("axis_major_length", Rows.Select(r => r.MajorAxis).ToArray()),
            new("axis_minor_length", Rows.Select(r => r.MinorAxis).ToArray()),
            .. axes.Select((axis, a) => new TableColumn("centroid_" + axis, Rows.Select(r => r.Centroid[a]).ToArray())),
            .. axes.Select((axis, a) => new TableColumn("bb_min_" + axis, Rows.Select(r => r.BoundingBoxMin[a]).ToArray())),
            .. axes.Select((axis, a) => new TableColumn("bb_max_" + axis, Rows.Select(r => r.BoundingBoxMax[a]).ToArray())),
            .. Surface ? [new TableColumn("surface_area", Rows.Select(r => r.SurfaceArea ?? 0).ToArray())] : Array.Empty<TableColumn>(),
        ];
    }
}
