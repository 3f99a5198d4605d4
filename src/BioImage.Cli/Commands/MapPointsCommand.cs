using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage map-points SEG POINTS.csv [--halo H] [--sampling S] [--csv OUT]</c>: the nearest object and its distance
/// for every point, block-wise (<see cref="MapPointsVerb"/>, bioimage-py's map_points_to_objects).
/// </summary>
internal static class MapPointsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var points = new Argument<string>("POINTS") { Description = "CSV of point coordinates, one point per line (z,y,x or y,x; an optional header line)." };
        var halo = new Option<long[]?>("--halo")
        {
            Description = "Voxels of context around every block, one value or one per axis; the distances are exact up to it (default 0: each block alone).",
            HelpName = "H",
            CustomParser = result => CommonOptions.ParseList(result, "--halo", 0),
        };
        var sampling = CommonOptions.NumberList("--sampling", "Voxel spacing per axis (default 1): distances in these units.");
        var csv = new Option<string?>("--csv") { Description = "Also write the table as CSV (the point's axes, object_id, distance).", HelpName = "F" };
        var command = new Command("map-points", "The nearest object (id, 0 for none) of a segmentation and the distance to it for every point, block-wise with a halo (bioimage-py's map_points_to_objects).")
        {
            input, points, inputKey, halo, sampling, csv,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new MapPointsVerb
            {
                Points = Verb.Usage(() => ReadPoints(parse.GetRequiredValue(points))),
                Halo = parse.GetValue(halo) ?? [],
                Sampling = parse.GetValue(sampling) ?? [],
                Csv = parse.GetValue(csv) is { } path ? Path.GetFullPath(path) : null,
            },
             [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }

    /// <summary>The rows of a CSV of numbers; a first line that is not numbers is a header.</summary>
    private static double[][] ReadPoints(string path)
    {
        var rows = new List<double[]>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            var cells = text.Split(',', StringSplitOptions.TrimEntries);
            var values = new double[cells.Length];
            if (cells.Where((cell, i) => !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any())
            {
                if (line == 1)
                {
                    continue;
                }

                throw new ArgumentException($"POINTS {path}, line {line}: '{text}' is not a list of numbers like 3,17.5,20.");
            }

            rows.Add(values);
        }

        return [.. rows];
    }
}
