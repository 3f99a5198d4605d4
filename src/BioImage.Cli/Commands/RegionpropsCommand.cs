using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage regionprops SEG [--table F] [--resolution Z,Y,X] [--surface] [--item-ids …] [--csv F]</c>: per-object features,
/// one map item per object (<see cref="Regionprops"/>).
/// </summary>
internal static class RegionpropsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var table = new Option<string?>("--table") { Description = "The objects: a morphology table as CSV (bioimage morphology --csv; columns label, com_*, bb_min_*, bb_max_*). Default: computed from SEG first.", HelpName = "F" };
        var resolution = CommonOptions.NumberList("--resolution", "Voxel size, one positive value per axis (Z,Y,X); areas, lengths and centroids are in its units (default 1).");
        var itemIds = new Option<long[]?>("--item-ids")
        {
            Description = "Compute only these rows of the table (0-based), e.g. 3,7,9.",
            HelpName = "ROW,…",
            CustomParser = result => CommonOptions.ParseList(result, "--item-ids", 0),
        };
        var surface = new Option<bool>("--surface") { Description = "Also compute surface_area (3D): Lewiner marching cubes of the zero-padded object at level 0.5 with the resolution, as scikit-image's marching_cubes + mesh_surface_area." };
        var csv = new Option<string?>("--csv") { Description = "Write the features as CSV (bioimage-py's columns: label, n_voxels, area, extent, equivalent_diameter_area, axis_major_length, axis_minor_length, centroid_*, bb_min_*, bb_max_*).", HelpName = "F" };
        var command = new Command("regionprops", "Per-object features of an integer label volume (bioimage-py's regionprops): size, area, extent, equivalent diameter, major and minor axis lengths and centroid, one object per map item.")
        {
            input, inputKey, table, resolution, surface, itemIds, csv,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: false, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new Regionprops
            {
                Table = parse.GetValue(table) is { } path ? Path.GetFullPath(path) : null,
                Resolution = parse.GetValue(resolution) is { Length: > 0 } r ? r : null,
                Surface = parse.GetValue(surface),
                ItemIds = parse.GetValue(itemIds) is { Length: > 0 } ids ? ids : null,
                Csv = parse.GetValue(csv) is { } output ? Path.GetFullPath(output) : null,
            }, [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }
}
