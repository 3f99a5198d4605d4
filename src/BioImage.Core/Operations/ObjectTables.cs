using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BioImage.Operations;

/// <summary>One column of a per-object table: its bioimage-py name and its values (ulong[], long[] or double[]).</summary>
/// <param name="Name">The column name, e.g. <c>com_z</c>.</param>
/// <param name="Values">One value per row.</param>
public sealed record TableColumn(string Name, Array Values);

/// <summary>
/// Per-object tables (morphology, regionprops) as bioimage-py writes them: CSV with its column names as the header
/// (integers in decimal, floats in round-trip form, NaN as <c>NaN</c>, as pandas reads and writes them) and the same
/// columns in the JSON report; axis names <c>y, x</c> (2D), <c>z, y, x</c> (3D), else <c>axis0 …</c>.
/// </summary>
internal static class ObjectTables
{
    /// <summary>bioimage-py's axis names for <paramref name="rank"/> axes.</summary>
    public static string[] AxisNames(int rank) => rank switch
    {
        2 => ["y", "x"],
        3 => ["z", "y", "x"],
        _ => [.. Enumerable.Range(0, rank).Select(a => string.Create(CultureInfo.InvariantCulture, $"axis{a}"))],
    };

    /// <summary>Throws unless <paramref name="path"/> is null or names a file in an existing folder.</summary>
    public static void RequireWritableFolder(string? path, string option)
    {
        if (path is not null && (Directory.Exists(path) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path)))))
        {
            throw new ArgumentException($"{option} must name a file in an existing folder; got {path}.", option);
        }
    }

    /// <summary>Writes the columns as CSV (header line, then one line per row) to <paramref name="path"/>.</summary>
    public static void WriteCsv(string path, IReadOnlyList<TableColumn> columns)
    {
        int rows = columns.Count == 0 ? 0 : columns[0].Values.Length;
        File.WriteAllText(path, FormatCsv(columns.Select(c => c.Name), Enumerable.Range(0, rows).Select(row => columns.Select(c => Cell(c.Values.GetValue(row))))));
    }

    /// <summary>A table as CSV text: a header of column names, one comma-separated line per row; cells are written as given.</summary>
    public static string FormatCsv(IEnumerable<string> columns, IEnumerable<IEnumerable<string>> rows)
    {
        var text = new StringBuilder().AppendJoin(',', columns).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The columns as one JSON object: name → array of values.</summary>
    public static JsonObject ToJson(IReadOnlyList<TableColumn> columns)
    {
        var json = new JsonObject();
        foreach (var column in columns)
        {
            json[column.Name] = JsonSerializer.SerializeToNode(column.Values, OperationOutcome.Json.Info(column.Values.GetType()));
        }

        return json;
    }

    /// <summary>Reads a CSV table: its header names and, per name, the cells of that column.</summary>
    /// <exception cref="ArgumentException">A line has more or fewer cells than the header.</exception>
    public static Dictionary<string, string[]> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new ArgumentException($"{path} is empty; expected a CSV table with a header line.", nameof(path));
        }

        var names = lines[0].Split(',').Select(name => name.Trim()).ToArray();
        var cells = names.Select(_ => new string[lines.Length - 1]).ToArray();
        for (int row = 1; row < lines.Length; row++)
        {
            var values = lines[row].Split(',');
            if (values.Length != names.Length)
            {
                throw new ArgumentException($"{path}, line {row + 1}: {values.Length} cells, but the header names {names.Length} columns.", nameof(path));
            }

            for (int c = 0; c < names.Length; c++)
            {
                cells[c][row - 1] = values[c].Trim();
            }
        }

        var table = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
        {
            table.TryAdd(names[c], cells[c]);
        }

        return table;
    }

    private static string Cell(object? value) => value switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => string.Empty,
    };
}
