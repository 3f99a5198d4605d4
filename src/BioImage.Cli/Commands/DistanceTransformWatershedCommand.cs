using System.CommandLine;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage dt-watershed IN OUT --threshold T --sigma-seeds S --halo H</c>: elf's distance_transform_watershed on a
/// boundary map, block-wise with a halo (see <see cref="DistanceTransformWatershed"/>): uint64 ids unique per block,
/// segments cut at block faces.
/// </summary>
internal static class DistanceTransformWatershedCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var halo = WatershedCommand.HaloOption("Context voxels each block segments beyond its own (required): one value or one per axis.");
        var threshold = new Option<double>("--threshold") { Description = "Boundary voxels are those above this value (required).", HelpName = "T", Required = true };
        var sigmaSeeds = new Option<double>("--sigma-seeds") { Description = "σ of the smoothing of the distances before the seed maxima (required; 0 for none).", HelpName = "S", Required = true };
        var sigmaWeights = new Option<double>("--sigma-weights") { Description = "σ of the smoothing of the input in the height map.", HelpName = "S", DefaultValueFactory = _ => 2 };
        var minSize = new Option<long>("--min-size") { Description = "Segments below this size are flooded by their neighbours.", HelpName = "N", DefaultValueFactory = _ => 100 };
        var alpha = new Option<double>("--alpha") { Description = "Height map = α · smoothed input + (1 − α) · inverted distances.", HelpName = "A", DefaultValueFactory = _ => 0.9 };
        var minDistance = new Option<int>("--min-distance") { Description = "Minimal distance between seed maxima.", HelpName = "D", DefaultValueFactory = _ => 1 };
        var sampling = CommonOptions.NumberList("--sampling", "Voxel spacing of the distance transform, Z,Y,X (default 1).");
        var command = new Command("dt-watershed", "Distance-transform watershed of a boundary map block-wise with a halo (elf's distance_transform_watershed).")
        {
            input, output, inputKey, outputKey, halo, threshold, sigmaSeeds, sigmaWeights, minSize, alpha, minDistance, sampling,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var parameters = new DistanceTransformWatershedOptions(parse.GetValue(threshold), parse.GetValue(sigmaSeeds), parse.GetValue(sigmaWeights), parse.GetValue(minSize), parse.GetValue(alpha), parse.GetValue(minDistance))
            {
                Sampling = parse.GetValue(sampling) is { Length: > 0 } s ? s : null,
            };
            var operation = new DistanceTransformWatershedVerb { Segmentation = new DistanceTransformWatershedOperation { Halo = parse.GetValue(halo), Options = parameters } };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
