using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage watershed HEIGHTMAP SEEDS OUT --halo H [--mask M]</c>: bioimage-py's block-wise seeded watershed. Each
/// block floods its halo-extended region from the seeds and writes its inner block; seed ids are kept (no merge), and
/// the result equals the whole-volume watershed where the halo covers the basins. OUT is uint64 unless --dtype says
/// otherwise (an integer dtype); out-of-mask voxels are 0.
/// </summary>
internal static class WatershedCommand
{
    public static Command Create()
    {
        var heightmap = new Argument<string>("HEIGHTMAP") { Description = "The height map (flooded as float32; float64 stays float64)." };
        var seeds = new Argument<string>("SEEDS") { Description = "Seeds of the same shape, any integer dtype (0 = no seed)." };
        var output = CommonOptions.Output();
        var heightmapKey = new Option<string?>("--heightmap-key") { Description = "Dataset inside HEIGHTMAP.", HelpName = "K" };
        var seedsKey = new Option<string?>("--seeds-key") { Description = "Dataset inside SEEDS.", HelpName = "K" };
        var outputKey = CommonOptions.OutputKey();
        var halo = HaloOption("Context voxels each block floods beyond its own (required): one value or one per axis (Z,Y,X).");
        var mask = new Option<string?>("--mask") { Description = "Only flood where this array is nonzero; blocks without mask voxels are skipped.", HelpName = "M" };
        var maskKey = new Option<string?>("--mask-key") { Description = "Dataset inside --mask.", HelpName = "K" };
        var connectivity = new Option<int>("--connectivity") { Description = "1 (face neighbours, default) up to the rank (all neighbours).", HelpName = "C", DefaultValueFactory = _ => 1 };
        var dtype = CommonOptions.DType("Integer element type of OUT (default uint64).");
        dtype.DefaultValueFactory = _ => DType.UInt64;
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("watershed", "Seeded watershed block-wise with a halo (bioimage-py's watershed).")
        {
            heightmap, seeds, output, heightmapKey, seedsKey, outputKey, halo, mask, maskKey, connectivity, dtype, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var heights = Source.Open(parse.GetRequiredValue(heightmap), parse.GetValue(heightmapKey));
            var seedSource = Source.Open(parse.GetRequiredValue(seeds), parse.GetValue(seedsKey));
            int rank = heights.Shape.Count;
            var operation = new WatershedOperation { Halo = parse.GetValue(halo), Connectivity = parse.GetValue(connectivity) };
            Check(() => operation.Validate(rank, seedSource.DType, parse.GetValue(dtype)));
            if (!seedSource.Shape.SequenceEqual(heights.Shape))
            {
                throw new UsageException($"SEEDS has shape ({string.Join(", ", seedSource.Shape)}) but HEIGHTMAP has ({string.Join(", ", heights.Shape)}); they must match.");
            }

            string outputPath = parse.GetRequiredValue(output);
            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), heights.Shape, parse.GetValue(dtype), heights.Chunks);
            var options = run.Read(parse, rank, cancellation);
            options = options with
            {
                BlockShape = options.BlockShape ?? target.Chunks,
                Mask = parse.GetValue(mask) is { } maskPath ? Source.Open(maskPath, parse.GetValue(maskKey)) : null,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Runner.Run(operation, [heights, seedSource], [target], options);
            var summary = new
            {
                heightmap = parse.GetRequiredValue(heightmap),
                seeds = parse.GetRequiredValue(seeds),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape = heights.Shape,
                dtype = parse.GetValue(dtype).NumpyName(),
                halo = operation.GetHalo(rank),
                connectivity = operation.Connectivity,
                mask = parse.GetValue(mask),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"watershed {summary.heightmap} from {summary.seeds} → {summary.output}: {summary.dtype} ({string.Join(", ", summary.shape)}), halo ({string.Join(", ", summary.halo)}) in {summary.seconds} s"));
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }

    /// <summary>The required --halo option: non-negative integers, one or one per axis.</summary>
    internal static Option<long[]?> HaloOption(string description) => new("--halo")
    {
        Description = description,
        HelpName = "H|Z,Y,X",
        Required = true,
        CustomParser = result => CommonOptions.ParseList(result, "--halo", minimum: 0),
    };

    /// <summary>Runs a parameter check, turning its ArgumentException into a usage error (exit 2).</summary>
    internal static void Check(Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message.Replace("(Halo, --halo)", "(--halo)", StringComparison.Ordinal));
        }
    }
}
