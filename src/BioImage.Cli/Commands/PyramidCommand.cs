using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage pyramid INPUT OUTPUT.ome.zarr --levels N</c>: an OME-Zarr multiscale image (NGFF 0.4 on Zarr v2, 0.5 on
/// Zarr v3) whose levels s1… halve the previous level — --method mode (default for --labels) or nearest for labels,
/// mean (default), max, min, linear or cubic for images (downsample's --method vocabulary); --voxel-size and --unit give
/// the physical axes; --chunks, --shards, --codec and --zarr-format the level arrays' storage. An existing pyramid is
/// replaced only with --overwrite. One pass per level.
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
        var labels = new Option<bool>("--labels") { Description = "The image holds labels: only label-safe downsampling (mode by default, or nearest)." };
        var method = CommonOptions.DownsamplingMethod("How a level halves the previous one: pooling mean (images' default), max, min or mode (labels' default), or resampling nearest, linear or cubic (anti-aliased, float32 levels). Labels take mode, nearest, max or min.");
        var voxelSize = CommonOptions.NumberList("--voxel-size", "Physical size of a full-resolution voxel: one value, or one per axis (Z,Y,X); written as the levels' scale.");
        var unit = new Option<string?>("--unit") { Description = "Unit of the space axes, an NGFF (UDUNITS-2) name such as micrometer or nanometer.", HelpName = "UNIT" };
        var command = new Command("pyramid", "Write an OME-Zarr multiscale pyramid (NGFF 0.4/0.5) of a 2D or 3D image, block-wise.")
        {
            input, output, inputKey, levels, labels, method, voxelSize, unit,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var operation = new Pyramid
            {
                Options = new PyramidOptions
                {
                    Levels = parse.GetValue(levels),
                    Labels = parse.GetValue(labels),
                    Method = parse.GetValue(method) is { } name ? Enum.Parse<PyramidMethod>(name, ignoreCase: true) : null,
                    VoxelSize = parse.GetValue(voxelSize) is { Length: > 0 } size ? size : null,
                    Unit = parse.GetValue(unit),
                },
            };
            return (operation, [source], [.. operation.LevelTargets(verb.Target(parse, parse.GetRequiredValue(output), null))]);
        })));
        return command;
    }
}
