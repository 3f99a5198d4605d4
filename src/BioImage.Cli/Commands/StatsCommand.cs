using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage stats INPUT [--histogram BINS [--range LOW,HIGH] | --bin-edges E0,E1,…]</c>: count, min, max, mean and
/// standard deviation — all of bioimage-py's stats reductions — and optionally numpy's histogram, block-wise (<see cref="Stats"/>).
/// </summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var bins = new Option<int?>("--histogram") { Description = "Also count the values in this many equal bins (numpy.histogram(x, bins); the last bin is closed).", HelpName = "BINS" };
        var range = Numbers("--range", "The range of the equal bins (numpy's range=); default: the data's minimum and maximum.", "LOW,HIGH", double.IsFinite);
        var edges = Numbers("--bin-edges", "Count the values between these increasing edges instead (numpy.histogram(x, bins=[…])).", "E0,E1,…", value => !double.IsNaN(value));
        var command = new Command("stats", "Count, min, max, mean and standard deviation (population, as numpy) of a volume, and optionally its histogram, computed block-wise.")
        {
            input, inputKey, bins, range, edges,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new Stats { HistogramBins = parse.GetValue(bins), HistogramRange = Given(parse, range), BinEdges = Given(parse, edges) },
             [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }

    private static double[]? Given(ParseResult parse, Option<double[]?> option) => parse.GetValue(option) is { Length: > 0 } values ? values : null;

    private static Option<double[]?> Numbers(string name, string description, string helpName, Func<double, bool> valid) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => CommonOptions.ParseNumbers<double>(result, NumberStyles.Float, valid, list => $"{name}: '{list}' is not a comma-separated list of numbers like {helpName}."),
    };
}
