using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Runners;
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
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("distance-transform", "Exact Euclidean distance transform block-wise with a halo (bioimage-py's distance_transform).")
        {
            input, output, inputKey, outputKey, halo, sampling, dtype, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            var operation = new DistanceTransformOperation { Halo = parse.GetValue(halo), Sampling = parse.GetValue(sampling) is { Length: > 0 } s ? s : null };
            WatershedCommand.Check(() => operation.Validate(rank, parse.GetValue(dtype)));
            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), source.Shape, parse.GetValue(dtype), source.Chunks);
            var options = run.Read(parse, rank, cancellation);
            options = options with { BlockShape = options.BlockShape ?? target.Chunks };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Runner.Run(operation, [source], [target], options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape = source.Shape,
                dtype = parse.GetValue(dtype).NumpyName(),
                halo = operation.GetHalo(rank),
                sampling = operation.Sampling,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"distance transform {summary.input} → {summary.output}: {summary.dtype} ({string.Join(", ", summary.shape)}), halo ({string.Join(", ", summary.halo)}) in {summary.seconds} s"));
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
