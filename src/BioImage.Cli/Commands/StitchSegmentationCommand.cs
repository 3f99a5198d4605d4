using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage stitch-segmentation INPUT OUT --assembly LIB.dll [--segmenter TYPE] [--set NAME=VALUE …] --tile-shape
/// Z,Y,X --overlap N [--beta B] [--no-background]</c>: bioimage-py's stitch_segmentation with the user's own per-tile
/// segmentation — a <see cref="TileSegmenter"/> subclass in a class library, named and configured as
/// <c>segmentation-filter</c> names its filter (<see cref="StitchSegmentation"/>).
/// </summary>
internal static class StitchSegmentationCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var assembly = new Option<string>("--assembly") { Description = "The class library (.dll) that defines the segmenter; workers load it from this path.", HelpName = "LIB.dll", Required = true };
        var segmenter = new Option<string?>("--segmenter") { Description = "The segmenter class's full name (Namespace.Class; a nested class Namespace.Outer.Nested); default: the library's only segmenter.", HelpName = "TYPE" };
        var set = new Option<string[]>("--set") { Description = "Set a public property of the segmenter, e.g. --set Threshold=0.5 (repeat per property; arrays comma-separated).", HelpName = "NAME=VALUE" };
        var overlap = new Option<long[]?>("--overlap")
        {
            Description = "The halo each tile is segmented with, where neighbouring tiles' objects are compared: one value or one per axis (required).",
            HelpName = "N",
            Required = true,
            CustomParser = result => CommonOptions.ParseList(result, "--overlap", minimum: 0),
        };
        var stitching = new StitchOptions();
        var command = new Command("stitch-segmentation", "Segment a volume tile by tile with your own TileSegmenter class (a .NET class library) and merge the tiles' objects by a multicut over their overlaps (bioimage-py's stitch_segmentation).")
        {
            input, output, inputKey, outputKey, assembly, segmenter, set, overlap,
        };
        stitching.AddTo(command);
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var type = StitchSegmentation.FindSegmenter(parse.GetRequiredValue(assembly), parse.GetValue(segmenter));
            var instance = (TileSegmenter)Activator.CreateInstance(type)!;
            SegmentationFilterCommand.Assign(instance, parse.GetValue(set) ?? []);
            var operation = StitchSegmentation.Of(instance, [], parse.GetValue(overlap) ?? []);
            stitching.Apply(parse, operation);
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
