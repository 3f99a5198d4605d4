using System.Globalization;

namespace BioImage.Operations;

/// <summary>
/// The objects regionprops measures: label, centre of mass and bounding box per row — the columns it needs of a
/// morphology table, from a <see cref="MorphologyTable"/> or its CSV (extra columns, such as size, are ignored).
/// </summary>
internal sealed class ObjectBoxes(ulong[] labels, double[][] centerOfMass, long[][] boundingBoxMin, long[][] boundingBoxMax)
{
    public ulong[] Labels { get; } = labels;

    /// <summary>Per axis, each row's centre of mass.</summary>
    public double[][] CenterOfMass { get; } = centerOfMass;

    /// <summary>Per axis, each row's box begin.</summary>
    public long[][] BoundingBoxMin { get; } = boundingBoxMin;

    /// <summary>Per axis, each row's box end (exclusive).</summary>
    public long[][] BoundingBoxMax { get; } = boundingBoxMax;

    public int Count => Labels.Length;

    public static ObjectBoxes Of(MorphologyTable table) => new(table.Labels, table.CenterOfMass, table.BoundingBoxMin, table.BoundingBoxMax);

    /// <summary>Reads the columns label, com_*, bb_min_*, bb_max_* of a CSV table for a segmentation of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing, a cell is not a number, or a box is empty or outside the segmentation.</exception>
    public static ObjectBoxes ReadCsv(string path, IReadOnlyList<long> shape)
    {
        var cells = ObjectTables.ReadCsv(path);
        var axes = ObjectTables.AxisNames(shape.Count);
        string[] Column(string name) => cells.TryGetValue(name, out var column)
            ? column
            : throw new ArgumentException($"--table: {path} has no column {name}; it needs label, {string.Join(", ", axes.Select(a => "com_" + a))}, bb_min_* and bb_max_* (the CSV of bioimage morphology --csv).", nameof(path));
        T Parse<T>(string name, string cell, int row)
            where T : ISpanParsable<T> =>
            T.TryParse(cell, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"--table: {path}, row {row}, column {name}: '{cell}' is not a {typeof(T).Name}.", nameof(path));
        T[] Values<T>(string name)
            where T : ISpanParsable<T> => [.. Column(name).Select((cell, row) => Parse<T>(name, cell, row))];

        var boxes = new ObjectBoxes(
            Values<ulong>("label"),
            [.. axes.Select(a => Values<double>("com_" + a))],
            [.. axes.Select(a => Values<long>("bb_min_" + a))],
            [.. axes.Select(a => Values<long>("bb_max_" + a))]);
        for (int row = 0; row < boxes.Count; row++)
        {
            for (int a = 0; a < shape.Count; a++)
            {
                if (boxes.BoundingBoxMin[a][row] < 0 || boxes.BoundingBoxMax[a][row] <= boxes.BoundingBoxMin[a][row] || boxes.BoundingBoxMax[a][row] > shape[a])
                {
                    throw new ArgumentException($"--table: {path}, row {row} has an empty bounding box or one outside the segmentation (bb_min_{axes[a]} {boxes.BoundingBoxMin[a][row]}, bb_max_{axes[a]} {boxes.BoundingBoxMax[a][row]}, extent {shape[a]}).", nameof(path));
                }
            }
        }

        return boxes;
    }

    /// <summary>Writes the rows as CSV with bioimage-py's column names.</summary>
    public void WriteCsv(string path)
    {
        var axes = ObjectTables.AxisNames(CenterOfMass.Length);
        ObjectTables.WriteCsv(path,
        [
            new("label", Labels),
            .. axes.Select((axis, a) => new TableColumn("com_" + axis, CenterOfMass[a])),
            .. axes.Select((axis, a) => new TableColumn("bb_min_" + axis, BoundingBoxMin[a])),
            .. axes.Select((axis, a) => new TableColumn("bb_max_" + axis, BoundingBoxMax[a])),
        ]);
    }
}
