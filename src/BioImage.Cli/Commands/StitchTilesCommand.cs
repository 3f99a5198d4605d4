using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage stitch-tiles SEG OUT --tile-shape Z,Y,X [--overlap N] [--beta B] [--no-background]</c>: bioimage-py's
/// stitch_tiled_segmentation (<see cref="StitchTiles"/>) — four passes (overlaps, graph, relabel), so no --block-ids.
/// </summary>
internal static class StitchTilesCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var overlap = new Option<long>("--overlap")
        {
            Description = "Thickness of the slabs compared on both sides of each tile face (default 1: the face-adjacent voxels).",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        var stitching = new StitchOptions();
        var command = new Command("stitch-tiles", "Merge the objects of a segmentation made tile by tile (labels unique across tiles) by a multicut over their overlaps at the tile faces (bioimage-py's stitch_tiled_segmentation).")
        {
            input, output, inputKey, outputKey, overlap,
        };
        stitching.AddTo(command);
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var operation = new StitchTiles { Overlap = parse.GetValue(overlap) };
            stitching.Apply(parse, operation);
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
