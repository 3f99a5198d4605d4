using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;
using BioImage.Storage.Metadata;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage pyramid INPUT OUTPUT.ome.zarr --levels N</c>: an OME-Zarr multiscale image (NGFF 0.4 on Zarr v2, 0.5 on
/// Zarr v3) whose levels s1… pool the previous level by 2 — mode for --labels, mean otherwise; re-running replaces it.
/// </summary>
internal static class PyramidCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = new Argument<string>("OUTPUT") { Description = "The OME-Zarr folder to write (e.g. image.ome.zarr)." };
        var inputKey = CommonOptions.InputKey();
        var levels = new Option<int>("--levels") { Description = "Number of levels including full resolution (s0).", HelpName = "N", DefaultValueFactory = _ => 4 };
        levels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"--levels must be at least 1; got {result.GetValueOrDefault<int>()}.");
            }
        });
        var labels = new Option<bool>("--labels") { Description = "The image holds labels: downsample by mode (label-safe) instead of mean." };
        var zarrFormat = new Option<int>("--zarr-format") { Description = "2 (OME-NGFF 0.4) or 3 (OME-NGFF 0.5, default).", HelpName = "2|3", DefaultValueFactory = _ => 3 };
        zarrFormat.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (2 or 3))
            {
                result.AddError($"--zarr-format must be 2 or 3; got {result.GetValueOrDefault<int>()}.");
            }
        });
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("pyramid", "Write an OME-Zarr multiscale pyramid (NGFF 0.4/0.5) of a 2D or 3D image, block-wise.")
        {
            input, output, inputKey, levels, labels, zarrFormat, json,
        };
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var options = run.Read(parse, source.Shape.Count, cancellation);
            string outputPath = parse.GetRequiredValue(output);
            var format = parse.GetValue(zarrFormat) == 2 ? StorageFormat.ZarrV2 : StorageFormat.ZarrV3;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var shapes = Pyramid.Write(source, outputPath, parse.GetValue(levels), parse.GetValue(labels), format, options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                ngff = format == StorageFormat.ZarrV2 ? "0.4" : "0.5",
                method = parse.GetValue(labels) ? "mode" : "mean",
                levels = shapes,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"pyramid {summary.input} → {summary.output} (OME-NGFF {summary.ngff}, {summary.method}): {string.Join(" → ", shapes.Select(s => "(" + string.Join(", ", s) + ")"))} in {summary.seconds} s"));

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
