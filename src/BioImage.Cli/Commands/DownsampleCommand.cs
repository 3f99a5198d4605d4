using System.CommandLine;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage downsample IN OUT --factor F</c>: block-wise downsampling to the ceil-mode shape (bioimage-py's
/// downsample): --method nearest|linear|cubic (or --order 0–5) with optional anti-aliasing (defaults label-safe: nearest,
/// none), or pooling with --method mean|max|min|mode — the vocabulary pyramid uses too. Blocks, --block-shape,
/// --block-ids and --mask are in output space.
/// </summary>
internal static class DownsampleCommand
{
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
        var order = new Option<int?>("--order") { Description = "Spline order 0 (nearest, label-safe; default) to 5 instead of --method (bioimage-py's order). Orders ≥ 1 write float32.", HelpName = "0-5" };
        order.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and (< 0 or > 5))
            {
                result.AddError($"--order must be 0 to 5; got {value}.");
            }
        });
        var antiAliasing = new Option<bool>("--anti-aliasing") { Description = "Gaussian smoothing before sampling (skimage's σ = (factor − 1)/2)." };
        var method = CommonOptions.DownsamplingMethod("Pool each factor box (mean, max, min, mode: label-safe majority) or resample it (nearest = order 0, default; linear = order 1; cubic = order 3).");
        var command = new Command("downsample", "Downsample an array block-wise by integer factors (resampling with spline order 0–5, or mean/max/min/mode pooling).")
        {
            input, output, inputKey, outputKey, factor, order, antiAliasing, method,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var (pooling, splineOrder, antiAliased) = CommonOptions.Downsampling(parse.GetValue(method), parse.GetValue(order), parse.GetValue(antiAliasing));
            var operation = new DownsampleVerb
            {
                Downsample = new DownsampleOperation
                {
                    Factor = [.. parse.GetRequiredValue(factor)!.Select(f => (int)Math.Min(f, int.MaxValue))],
                    Order = splineOrder,
                    AntiAliasing = antiAliased,
                    Method = pooling,
                },
            };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
