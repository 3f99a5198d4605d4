using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;
using BioImage.Sources.Wrappers;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage label IN OUT [--threshold T] [--connectivity C]</c>: block-wise connected components equal to
/// scipy.ndimage.label of the whole volume (numbering in raster order of first appearance) for any block shape; three
/// passes (blocks, seams, relabel), so no --block-ids.
/// </summary>
internal static class LabelCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var threshold = new Option<double?>("--threshold") { Description = "Foreground is INPUT > T (default: every non-zero voxel).", HelpName = "T" };
        var connectivity = new Option<int>("--connectivity")
        {
            Description = "1 = neighbours across faces (default), 2 = also edges, 3 = also corners (3D); as scipy's generate_binary_structure.",
            HelpName = "1-3",
            DefaultValueFactory = _ => 1,
        };
        var dtype = CommonOptions.DType("Label type of OUT: uint64 (default, as bioimage-py) or uint32.");
        dtype.DefaultValueFactory = _ => DType.UInt64;
        var command = new Command("label", "Label the connected components of a volume block-wise (scipy.ndimage.label's result and numbering for any block shape).")
        {
            input, output, inputKey, outputKey, threshold, connectivity, dtype,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            if (parse.GetValue(threshold) is { } level)
            {
                source = source.Threshold(level);
            }

            var operation = new Label { Connectivity = parse.GetValue(connectivity), DType = parse.GetValue(dtype) };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
