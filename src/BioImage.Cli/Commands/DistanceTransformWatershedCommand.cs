using System.CommandLine;
using System.Globalization;
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
        var mask = new Option<string?>("--mask") { Description = "Only segment where this array is nonzero.", HelpName = "M" };
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("dt-watershed", "Distance-transform watershed of a boundary map block-wise with a halo (elf's distance_transform_watershed).")
        {
            input, output, inputKey, outputKey, halo, threshold, sigmaSeeds, sigmaWeights, minSize, alpha, minDistance, sampling, mask, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            var parameters = new DistanceTransformWatershedOptions(parse.GetValue(threshold), parse.GetValue(sigmaSeeds), parse.GetValue(sigmaWeights), parse.GetValue(minSize), parse.GetValue(alpha), parse.GetValue(minDistance))
            {
                Sampling = parse.GetValue(sampling) is { Length: > 0 } s ? s : null,
            };
            var operation = new DistanceTransformWatershedOperation { Halo = parse.GetValue(halo), Options = parameters };
            WatershedCommand.Check(() => operation.GetHalo(rank));
            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), source.Shape, DType.UInt64, source.Chunks);
            var options = run.Read(parse, rank, cancellation);
            options = options with
            {
                BlockShape = options.BlockShape ?? target.Chunks,
                Mask = parse.GetValue(mask) is { } maskPath ? Source.Open(maskPath) : null,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            DistanceTransformWatershedOperation.Run(source, target, operation.Halo!, parameters, options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape = source.Shape,
                dtype = "uint64",
                halo = operation.GetHalo(rank),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"dt-watershed {summary.input} → {summary.output}: uint64 ({string.Join(", ", summary.shape)}), halo ({string.Join(", ", summary.halo)}) in {summary.seconds} s"));
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
