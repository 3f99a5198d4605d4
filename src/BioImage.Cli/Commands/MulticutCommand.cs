using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage multicut BOUNDARIES [SUPERVOXELS] OUT</c>: the multicut segmentation workflow (see
/// <see cref="MulticutSegmentation"/>) — supervoxels (given, or the distance-transform watershed of BOUNDARIES),
/// graph and costs, a hierarchical block-wise multicut, and the relabelling, block-wise on every backend.
/// </summary>
internal static class MulticutCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("BOUNDARIES [SUPERVOXELS] OUT")
        {
            Description = "The boundary map (p → 1 on membranes), optionally the supervoxels (integer labels; default: the distance-transform watershed of the boundary map), and the output path.",
            Arity = new ArgumentArity(2, 3),
        };
        var boundariesKey = new Option<string?>("--boundaries-key") { Description = "Dataset inside BOUNDARIES.", HelpName = "K" };
        var supervoxelsKey = new Option<string?>("--supervoxels-key") { Description = "Dataset inside SUPERVOXELS.", HelpName = "K" };
        var outputKey = CommonOptions.OutputKey();
        var beta = new Option<double>("--beta") { Description = "Boundary bias of the costs in (0, 1); above 0.5 favours cuts.", HelpName = "B", DefaultValueFactory = _ => 0.5 };
        var weighting = new Option<string>("--weighting") { Description = "Cost weighting by edge size: none, all, xyz or z.", HelpName = "W", DefaultValueFactory = _ => "none" };
        var solver = new Option<string>("--solver") { Description = "Solver of the block sub-problems and, inside the decomposer, of the last reduced problem: kl (Kernighan-Lin warm-started from GAEC), gaec or greedy-fixation.", HelpName = "S", DefaultValueFactory = _ => "kl" };
        var levels = new Option<int>("--levels") { Description = "Levels of block-wise sub-problems (blocks 1, 2, 4, … × --block-shape) before the whole reduced problem is solved; 0 solves the whole problem at once.", HelpName = "N", DefaultValueFactory = _ => 1 };
        var dtype = CommonOptions.DType("Integer element type of OUT (default uint64).");
        dtype.DefaultValueFactory = _ => DType.UInt64;
        var supervoxelsOut = new Option<string?>("--supervoxels-out") { Description = "Without SUPERVOXELS: also keep the computed supervoxels (uint64) at this path (default: a temp array of the run, deleted with it).", HelpName = "PATH" };
        var supervoxelsHalo = WatershedCommand.HaloOption("Without SUPERVOXELS: context voxels of the supervoxel watershed per block (default 8).");
        supervoxelsHalo.Required = false;
        var command = new Command("multicut", "Multicut segmentation of a boundary map block-wise: supervoxels, region adjacency graph with mean boundary costs, hierarchical block-wise multicut (Pape et al. 2017), relabelling (cluster_tools' MulticutSegmentationWorkflow).")
        {
            paths, boundariesKey, supervoxelsKey, outputKey, beta, weighting, solver, levels, dtype, supervoxelsOut, supervoxelsHalo,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var given = parse.GetRequiredValue(paths);
            bool computeSupervoxels = given.Length == 2;
            if (!computeSupervoxels && (parse.GetResult(supervoxelsOut) is not null || parse.GetResult(supervoxelsHalo) is not null))
            {
                throw new UsageException("--supervoxels-out and --halo apply only without SUPERVOXELS (the supervoxels are then computed).");
            }

            var operation = new MulticutSegmentation
            {
                Beta = parse.GetValue(beta),
                Weighting = parse.GetRequiredValue(weighting),
                Solver = parse.GetRequiredValue(solver),
                Levels = parse.GetValue(levels),
                OutputDType = parse.GetValue(dtype),
                KeepSupervoxels = parse.GetValue(supervoxelsOut) is not null,
                Supervoxels = computeSupervoxels ? new DistanceTransformWatershedOperation { Halo = parse.GetResult(supervoxelsHalo) is null ? [8] : parse.GetValue(supervoxelsHalo) } : null,
            };
            var inputs = new List<ISource> { Source.Open(given[0], parse.GetValue(boundariesKey)) };
            if (!computeSupervoxels)
            {
                inputs.Add(Source.Open(given[1], parse.GetValue(supervoxelsKey)));
            }

            var outputs = new List<ArrayTarget> { verb.Target(parse, given[^1], parse.GetValue(outputKey)) };
            if (parse.GetValue(supervoxelsOut) is { } keep)
            {
                outputs.Add(verb.Target(parse, keep, null));
            }

            return (operation, inputs.ToArray(), outputs.ToArray());
        })));
        return command;
    }
}
