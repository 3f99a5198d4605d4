using System.CommandLine;
using BioImage.Operations;
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
        var connectivity = new Option<int>("--connectivity") { Description = "1 (face neighbours, default) up to the rank (all neighbours).", HelpName = "C", DefaultValueFactory = _ => 1 };
        var dtype = CommonOptions.DType("Integer element type of OUT (default uint64).");
        dtype.DefaultValueFactory = _ => DType.UInt64;
        var command = new Command("watershed", "Seeded watershed block-wise with a halo (bioimage-py's watershed).")
        {
            heightmap, seeds, output, heightmapKey, seedsKey, outputKey, halo, connectivity, dtype,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var heights = Source.Open(parse.GetRequiredValue(heightmap), parse.GetValue(heightmapKey));
            var seedSource = Source.Open(parse.GetRequiredValue(seeds), parse.GetValue(seedsKey));
            var operation = new WatershedVerb
            {
                Watershed = new WatershedOperation { Halo = parse.GetValue(halo), Connectivity = parse.GetValue(connectivity) },
                DType = parse.GetValue(dtype),
            };
            return (operation, [heights, seedSource], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
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
}
