using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage distance-transform IN OUT --halo H [--sampling Z,Y,X]</c>: bioimage-py's block-wise exact Euclidean
/// distance transform (nonzero = foreground, distance to the nearest zero, scipy's distance_transform_edt). OUT is
/// float32 (--dtype float64 for float64); it equals the whole-volume transform wherever the distance is below
/// halo × sampling, and everywhere when the halo covers the volume.
/// </summary>
internal static class DistanceTransformCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var halo = WatershedCommand.HaloOption("Context voxels each block reads (required): distances below halo × sampling are exact. One value or one per axis.");
        var sampling = CommonOptions.NumberList("--sampling", "Voxel spacing, one value per axis (Z,Y,X), each positive (default 1).");
        var dtype = CommonOptions.DType("float32 (default) or float64.");
        dtype.DefaultValueFactory = _ => DType.Float32;
        var command = new Command("distance-transform", "Exact Euclidean distance transform block-wise with a halo (bioimage-py's distance_transform).")
        {
            input, output, inputKey, outputKey, halo, sampling, dtype,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var operation = new DistanceTransformVerb
            {
                Transform = new DistanceTransformOperation { Halo = parse.GetValue(halo), Sampling = parse.GetValue(sampling) is { Length: > 0 } s ? s : null },
                DType = parse.GetValue(dtype),
            };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
