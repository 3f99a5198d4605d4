using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;
using BioImage.Sources.Wrappers;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage label IN OUT [--threshold T] [--connectivity C]</c>: block-wise connected components equal to
/// scipy.ndimage.label of the whole volume (numbering in raster order of first appearance) for any block shape.
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
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("label", "Label the connected components of a volume block-wise (scipy.ndimage.label's result and numbering for any block shape).")
        {
            input, output, inputKey, outputKey, threshold, connectivity, dtype, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            if (parse.GetValue(threshold) is { } level)
            {
                source = source.Threshold(level);
            }

            var labelType = parse.GetValue(dtype);
            if (labelType is not (DType.UInt32 or DType.UInt64))
            {
                throw new UsageException($"--dtype must be uint32 or uint64 for labels; got {labelType.NumpyName()}.");
            }

            int rank = source.Shape.Count;
            if (parse.GetValue(connectivity) is var c && (c < 1 || c > rank))
            {
                throw new UsageException($"--connectivity must be 1 to {rank} for {rank}D data; got {c}.");
            }

            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), source.Shape, labelType, source.Chunks);
            var options = run.Read(parse, rank, cancellation);
            options = options with { BlockShape = options.BlockShape ?? target.Chunks };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long count = Label.Run(source, target, options, parse.GetValue(connectivity));

            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape = source.Shape,
                dtype = labelType.NumpyName(),
                connectivity = parse.GetValue(connectivity),
                components = count,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"labelled {summary.input} → {summary.output}: {count} components (connectivity {summary.connectivity}, {summary.dtype}) in {summary.seconds} s"));
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
