using System.Text;

namespace BioImage.Operations;

/// <summary>The CSV tables verbs write with <c>--csv</c>: a header of column names, one comma-separated line per row.</summary>
internal static class CsvTable
{
    /// <summary>Throws unless the folder of <paramref name="path"/> (when given) exists.</summary>
    public static void CheckFolder(string? path)
    {
        if (path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
        {
            throw new ArgumentException($"The CSV file's folder {folder} (--csv) does not exist.");
        }
    }

    /// <summary>The table as text; cells are written as given (format numbers with the invariant culture).</summary>
    public static string Format(IEnumerable<string> columns, IEnumerable<IEnumerable<string>> rows)
    {
        var text = new StringBuilder().AppendJoin(',', columns).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row).Append('\n');
        }

        return text.ToString();
    }
}
