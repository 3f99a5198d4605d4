using System.CommandLine;
using System.Globalization;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage downsample IN OUT --factor F</c>: block-wise downsampling to the ceil-mode shape (bioimage-py's
/// downsample): spline order 0–5 with optional anti-aliasing (defaults label-safe: order 0, none), or pooling with
/// --method mean|max|min|mode. Blocks, --block-shape and --block-ids are in output space.
/// </summary>
internal static class DownsampleCommand
{
    private static readonly string[] Methods = ["mean", "max", "min", "mode"];

    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var factor = new Option<long[]?>("--factor")
        {
            Description = "Integer downsampling factor: one value, or one per axis (Z,Y,X), each ≥ 1.",
            HelpName = "F|Z,Y,X",
            Required = true,
            CustomParser = result => CommonOptions.ParseList(result, "--factor", minimum: 1),
        };
        var order = new Option<int>("--order") { Description = "Spline order 0 (nearest, label-safe; default) to 5. Orders ≥ 1 write float32.", HelpName = "0-5" };
        order.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 5)
            {
                result.AddError($"--order must be 0 to 5; got {result.GetValueOrDefault<int>()}.");
            }
        });
        var antiAliasing = new Option<bool>("--anti-aliasing") { Description = "Gaussian smoothing before sampling (skimage's σ = (factor − 1)/2)." };
        var method = new Option<string?>("--method") { Description = "Pool each factor box instead of resampling: mean, max, min or mode (label-safe majority).", HelpName = "mean|max|min|mode" };
        method.AcceptOnlyFromAmong(Methods);
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("downsample", "Downsample an array block-wise by integer factors (resampling with spline order 0–5, or mean/max/min/mode pooling).")
        {
            input, output, inputKey, outputKey, factor, order, antiAliasing, method, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            DownsampleOperation operation;
            long[] shape;
            try
            {
                operation = DownsampleOperation.For(
                    source,
                    [.. parse.GetRequiredValue(factor)!.Select(f => (int)Math.Min(f, int.MaxValue))],
                    parse.GetValue(order),
                    parse.GetValue(antiAliasing),
                    parse.GetValue(method) is { } name ? Enum.Parse<PoolingMethod>(name, ignoreCase: true) : null);
                shape = operation.OutputShape(source.Shape);
            }
            catch (ArgumentException error)
            {
                throw new UsageException(error.Message);
            }

            var dtype = operation.OutputDType(source.DType);
            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), shape, dtype, source.Chunks);
            var options = run.Read(parse, rank, cancellation);
            options = options with { BlockShape = options.BlockShape ?? target.Chunks };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Runner.Run(operation, [], [target], options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                inputShape = source.Shape,
                shape,
                dtype = dtype.NumpyName(),
                method = parse.GetValue(method) ?? $"order {parse.GetValue(order)}" + (parse.GetValue(antiAliasing) ? " anti-aliased" : string.Empty),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"downsampled {summary.input} ({string.Join(", ", summary.inputShape)}) → {summary.output} ({string.Join(", ", shape)}) by {summary.method}, {summary.dtype} in {summary.seconds} s"));

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
