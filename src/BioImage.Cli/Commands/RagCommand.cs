using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage rag SEG [OUT.npz] [--boundaries B] [--features mean|all] [--costs [--beta B] [--weighting S]]</c>: the
/// region adjacency graph of a label volume with edge features and multicut costs, block-wise (<see cref="RegionAdjacency"/>).
/// </summary>
internal static class RagCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("SEG") { Description = "The label volume (2D or 3D, integer dtype, labels ≥ 0)." };
        var output = new Argument<string?>("OUT") { Description = "Write the graph as a numpy .npz: node_count, edges (E, 2) uint64, sizes, features + feature_names, costs.", Arity = ArgumentArity.ZeroOrOne };
        var inputKey = CommonOptions.InputKey();
        var boundaries = new Option<string?>("--boundaries") { Description = "Boundary map (same shape, any numeric dtype): each face pair contributes 0.5·(b[p] + b[q]) to its edge's features.", HelpName = "B" };
        var boundariesKey = new Option<string?>("--boundaries-key") { Description = "Dataset inside --boundaries.", HelpName = "K" };
        var features = new Option<string>("--features") { Description = "mean: mean and size (elf's compute_boundary_mean_and_length); all: elf's 12 columns mean, median, std, min, max, p5, p10, p25, p75, p90, p95, size (keeps every face-pair value: 8 bytes per face pair).", HelpName = "mean|all", DefaultValueFactory = _ => "mean" };
        var costs = new Option<bool>("--costs") { Description = "Also compute multicut costs from the mean boundary value (bioimage-py's compute_edge_costs; positive = attractive)." };
        var beta = new Option<double>("--beta") { Description = "Boundary bias of the costs, in (0, 1); above 0.5 favours cuts.", DefaultValueFactory = _ => 0.5 };
        var weighting = new Option<string>("--weighting") { Description = "Cost weighting by edge size: none, all (size/max size), xyz (z and in-plane edges separately), z (z edges only); a z edge has a face pair along axis 0.", HelpName = "none|all|xyz|z", DefaultValueFactory = _ => "none" };
        var exponent = new Option<double>("--weighting-exponent") { Description = "Exponent of the size weighting.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("rag", "Region adjacency graph of a label volume (nodes 0..max label, sorted face edges with sizes), optionally with edge features over a boundary map and multicut costs, computed block-wise and merged exactly (bioimage-cpp's RegionAdjacencyGraph, elf's features and costs).")
        {
            input, output, inputKey, boundaries, boundariesKey, features, costs, beta, weighting, exponent,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var operation = new RegionAdjacency
            {
                Features = parse.GetRequiredValue(features),
                Costs = parse.GetValue(costs),
                Beta = parse.GetValue(beta),
                Weighting = parse.GetRequiredValue(weighting),
                WeightingExponent = parse.GetValue(exponent),
                Npz = parse.GetValue(output) is { } path ? Path.GetFullPath(path) : null,
            };
            var labels = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            ISource[] inputs = parse.GetValue(boundaries) is { } map ? [labels, Source.Open(map, parse.GetValue(boundariesKey))] : [labels];
            return (operation, inputs, []);
        })));
        return command;
    }
}
