using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;
using BioImage.Storage.Metadata;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage pyramid INPUT OUTPUT.ome.zarr --levels N</c>: an OME-Zarr multiscale image (NGFF 0.4 on Zarr v2, 0.5 on
/// Zarr v3) whose levels s1… halve the previous level — --method mode (default for --labels) or nearest for labels,
/// mean (default) or linear (anti-aliased) for images; --voxel-size and --unit give the physical axes; --chunks,
/// --shards, --codec and --zarr-format the level arrays' storage. Re-running replaces it.
/// </summary>
internal static class PyramidCommand
{
    private static readonly string[] Methods = ["mean", "linear", "mode", "nearest"];

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
        var labels = new Option<bool>("--labels") { Description = "The image holds labels: only label-safe downsampling (mode by default, or nearest)." };
        var method = new Option<string?>("--method")
        {
            Description = "How a level halves the previous one: mean (images' default) or linear (anti-aliased, float32 levels) for images; mode (labels' default) or nearest for labels.",
            HelpName = "mean|linear|mode|nearest",
        };
        method.AcceptOnlyFromAmong(Methods);
        var voxelSize = CommonOptions.NumberList("--voxel-size", "Physical size of a full-resolution voxel: one value, or one per axis (Z,Y,X); written as the levels' scale.");
        var unit = new Option<string?>("--unit") { Description = "Unit of the space axes, an NGFF (UDUNITS-2) name such as micrometer or nanometer.", HelpName = "UNIT" };
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("pyramid", "Write an OME-Zarr multiscale pyramid (NGFF 0.4/0.5) of a 2D or 3D image, block-wise.")
        {
            input, output, inputKey, levels, labels, method, voxelSize, unit, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            var (format, chunks, shards, compressor) = outputSettings.ZarrArrays(parse, rank);
            var pyramid = new PyramidOptions
            {
                Levels = parse.GetValue(levels),
                Labels = parse.GetValue(labels),
                Method = parse.GetValue(method) is { } name ? Enum.Parse<PyramidMethod>(name, ignoreCase: true) : null,
                Format = format,
                Chunks = chunks,
                Shards = shards,
                Compressor = compressor,
                VoxelSize = parse.GetValue(voxelSize) is { Length: > 0 } size ? size : null,
                Unit = parse.GetValue(unit),
            };
            try
            {
                pyramid.Validate(rank);
            }
            catch (ArgumentException error)
            {
                throw new UsageException(error.Message.Replace("VoxelSize", "--voxel-size", StringComparison.Ordinal));
            }

            var options = run.Read(parse, rank, cancellation);
            string outputPath = parse.GetRequiredValue(output);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var shapes = Pyramid.Write(source, outputPath, pyramid, options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                ngff = format == StorageFormat.ZarrV2 ? "0.4" : "0.5",
                method = pyramid.EffectiveMethod.ToString().ToLowerInvariant(),
                levels = shapes,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"pyramid {summary.input} → {summary.output} (OME-NGFF {summary.ngff}, {summary.method}): {string.Join(" → ", shapes.Select(s => "(" + string.Join(", ", s) + ")"))} in {summary.seconds} s"));

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
