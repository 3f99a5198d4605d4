using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage filter NAME IN OUT --sigma S</c>: a Gaussian filter applied block-wise through the runner (bioimage-py's
/// apply_filter), with halos equal to the real kernel radius so that the result equals the whole-volume filter.
/// OUT is float32 (float64 for float64 input); the eigenvalue filters write a leading channel axis unless
/// --return-channel picks one.
/// </summary>
internal static class FilterCommand
{
    /// <summary>Command-line names of the filters, in <see cref="GaussianFilter"/> order.</summary>
    public static readonly string[] Names =
    [
        "gaussian-smoothing", "gaussian-gradient-magnitude", "laplacian-of-gaussian",
        "hessian-of-gaussian-eigenvalues", "structure-tensor-eigenvalues", "difference-of-gaussians",
    ];

    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The filter: " + string.Join(", ", Names) + ".", HelpName = "NAME" };
        name.AcceptOnlyFromAmong(Names);
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var sigma = CommonOptions.NumberList("--sigma", "Gaussian σ in voxels: one value, or one per axis (Z,Y,X).");
        sigma.Required = true;
        var outerScale = CommonOptions.NumberList("--outer-scale", "structure-tensor-eigenvalues: the outer (integration) σ (required); difference-of-gaussians: the high σ (default 1.6·σ).");
        var returnChannel = new Option<int?>("--return-channel") { Description = "Eigenvalue filters: write only this channel (0 = largest) instead of all of them.", HelpName = "C" };
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("filter", "Apply a Gaussian filter block-wise (smoothing, gradient magnitude, LoG, Hessian or structure-tensor eigenvalues, difference of Gaussians).")
        {
            name, input, output, inputKey, outputKey, sigma, outerScale, returnChannel, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            var operation = new GaussianFilterOperation
            {
                Filter = (GaussianFilter)Array.IndexOf(Names, parse.GetRequiredValue(name)),
                Sigma = parse.GetRequiredValue(sigma)!,
                OuterSigma = parse.GetValue(outerScale) is { Length: > 0 } outer ? outer : null,
                ReturnChannel = parse.GetValue(returnChannel),
            };
            long[] shape;
            try
            {
                shape = operation.OutputShape(source.Shape);
            }
            catch (ArgumentException error)
            {
                throw new UsageException(error.Message.Replace("OuterSigma", "--outer-scale", StringComparison.Ordinal).Replace("Sigma", "--sigma", StringComparison.Ordinal));
            }

            bool channels = shape.Length > rank;
            var dtype = GaussianFilterOperation.OutputDType(source.DType);
            IReadOnlyList<long>? inputChunks = source.Chunks;
            var defaultChunks = channels && inputChunks is not null ? [1, .. inputChunks] : inputChunks;
            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), shape, dtype, defaultChunks, axesOf: channels ? "the output (channel first)" : "the input");
            var options = run.Read(parse, rank, cancellation);
            options = options with { BlockShape = options.BlockShape ?? target.Chunks?.Skip(shape.Length - rank).ToArray() };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Runner.Run(operation, [source], [target], options);
            var summary = new
            {
                filter = parse.GetRequiredValue(name),
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape,
                dtype = dtype.NumpyName(),
                halo = operation.GetHalo(rank),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"{summary.filter} {summary.input} → {summary.output}: {summary.dtype} ({string.Join(", ", shape)}), halo ({string.Join(", ", summary.halo)}) in {summary.seconds} s"));

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
