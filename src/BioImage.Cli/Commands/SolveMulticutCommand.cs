using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using BioImage.Storage;
using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage solve-multicut PROBLEM [--costs COSTS.npy] [--solver S[,S…]] [--sub-solver S] [--max-iterations N]
/// [--threads N] [--out LABELS.npy|.txt] [--json]</c>: one in-memory multicut solve of a problem file
/// (<see cref="MulticutProblemFile"/>), reporting the energy, the number of clusters and the time; the node labels go to
/// <c>--out</c>.
/// </summary>
internal static class SolveMulticutCommand
{
    private static readonly string[] Solvers = ["gaec", "kl", "greedy-fixation", "decomposition"];
    private static readonly string[] SubSolvers = ["gaec", "kl", "greedy-fixation"];

    public static Command Create()
    {
        var problem = new Argument<string>("PROBLEM") { Description = "The problem: a text file of 'u v cost' rows (CREMI's format), an (E, 2) edges .npy (with --costs), or an .npz with 'edges' and 'costs' (bioimage rag --costs)." };
        var costs = new Option<string?>("--costs") { Description = "An (E,) .npy of costs for an .npy/.npz edge array (replaces the .npz's own costs).", HelpName = "COSTS.npy" };
        var solver = new Option<string>("--solver")
        {
            Description = "gaec | kl (warm start from GAEC) | greedy-fixation | decomposition, or a comma-separated chain run in order (e.g. gaec,kl).",
            HelpName = "S[,S…]",
            DefaultValueFactory = _ => "kl",
        };
        solver.Validators.Add(result => CheckNames(result, "--solver", Solvers, chain: true));
        var subSolver = new Option<string>("--sub-solver") { Description = "Solver of each component for --solver decomposition: gaec | kl | greedy-fixation.", HelpName = "S", DefaultValueFactory = _ => "kl" };
        subSolver.Validators.Add(result => CheckNames(result, "--sub-solver", SubSolvers, chain: false));
        var maxIterations = new Option<int>("--max-iterations") { Description = "Kernighan-Lin's cap on outer iterations.", HelpName = "N", DefaultValueFactory = _ => 100 };
        maxIterations.Validators.Add(result => CheckAtLeast(result, "--max-iterations", 0));
        var threads = new Option<int>("--threads") { Description = "Components the decomposition solves at once.", HelpName = "N", DefaultValueFactory = _ => Environment.ProcessorCount };
        threads.Validators.Add(result => CheckAtLeast(result, "--threads", 1));
        var output = new Option<string?>("--out") { Description = "Write the node labels: .npy (uint64) or .txt (one per row).", HelpName = "LABELS.npy|.txt" };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && !(Path.GetExtension(path).ToLowerInvariant() is ".npy" or ".txt"))
            {
                result.AddError($"--out: '{path}' must end in .npy or .txt.");
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("solve-multicut", "Solve a multicut problem (edges with costs, positive = attractive) in memory with GAEC, Kernighan-Lin, greedy fixation, the decomposer or a chain of them; prints the energy, the number of clusters and the time.")
        {
            problem, costs, solver, subSolver, maxIterations, threads, output, json,
        };
        command.SetAction(parse =>
        {
            string problemPath = parse.GetRequiredValue(problem);
            string? costsPath = parse.GetValue(costs);
            var build = MakeSolver(parse.GetRequiredValue(solver), parse.GetRequiredValue(subSolver), parse.GetValue(maxIterations), parse.GetValue(threads));

            var clock = Stopwatch.StartNew();
            var loaded = Load(problemPath, costsPath);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var labels = build.Solve(loaded);
            double seconds = clock.Elapsed.TotalSeconds;
            double energy = loaded.Energy(labels);
            int clusters = labels.Length == 0 ? 0 : labels.Max() + 1;
            string? outPath = parse.GetValue(output);
            if (outPath is not null)
            {
                MulticutProblemFile.WriteLabels(outPath, labels);
            }

            var summary = new
            {
                Verb = "solve-multicut",
                Problem = Path.GetFullPath(problemPath),
                Solver = build.Name,
                Nodes = loaded.NodeCount,
                Edges = loaded.EdgeCount,
                Energy = energy,
                Clusters = clusters,
                Seconds = Math.Round(seconds, 6),
                LoadSeconds = Math.Round(loadSeconds, 6),
                Out = outPath is null ? null : Path.GetFullPath(outPath),
            };
            string line = string.Create(CultureInfo.InvariantCulture, $"solve-multicut {build.Name}: {loaded.NodeCount} nodes, {loaded.EdgeCount} edges → {clusters} clusters, energy {energy:R}, {seconds:F3} s (load {loadSeconds:F3} s){(outPath is null ? string.Empty : $"; labels → {outPath}")}");
            CliJson.Report(parse, json, summary, line);
            return BioImageCommand.Success;
        });
        return command;
    }

    /// <summary>The solver a --solver value names; a comma-separated list is a chain.</summary>
    private static MulticutSolver MakeSolver(string names, string subSolver, int maxIterations, int threads)
    {
        MulticutSolver One(string name) => name switch
        {
            "gaec" => new GreedyAdditiveEdgeContraction(),
            "kl" => new KernighanLin(maxIterations),
            "greedy-fixation" => new GreedyFixation(),
            "decomposition" => new MulticutDecomposer(One(subSolver), threads: threads),
            _ => throw new UsageException($"--solver: '{name}' is not one of {string.Join(", ", Solvers)}."),
        };

        var chain = names.Split(',', StringSplitOptions.TrimEntries);
        return chain.Length == 1 ? One(chain[0]) : new ChainedSolver([.. chain.Select(One)]);
    }

    /// <summary>Reads the problem; a file that is not a valid problem is a usage error naming PROBLEM or --costs.</summary>
    private static MulticutProblem Load(string problemPath, string? costsPath)
    {
        try
        {
            return MulticutProblemFile.Read(problemPath, costsPath);
        }
        catch (Exception error) when (error is InvalidDataException or FileNotFoundException or ArgumentException)
        {
            bool costsAtFault = costsPath is not null && error.Message.StartsWith(costsPath, StringComparison.Ordinal);
            throw new UsageException($"{(costsAtFault ? "--costs" : "PROBLEM")}: {error.Message}");
        }
    }

    private static void CheckNames(OptionResult result, string option, string[] allowed, bool chain)
    {
        string value = result.GetValueOrDefault<string>() ?? string.Empty;
        var names = chain ? value.Split(',', StringSplitOptions.TrimEntries) : [value];
        if (names.FirstOrDefault(name => !allowed.Contains(name)) is { } bad)
        {
            result.AddError($"{option}: '{bad}' is not one of {string.Join(", ", allowed)}{(chain ? " (or a comma-separated chain such as gaec,kl)" : string.Empty)}.");
        }
    }

    private static void CheckAtLeast(OptionResult result, string option, int minimum)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < minimum)
        {
            result.AddError($"{option} must be at least {minimum}; got {value}.");
        }
    }
}
