using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage isin X OUT --values 1,2,3 | --values-file F</c>: bioimage-py's <c>isin</c> — the bool array
/// <c>np.isin(x, values)</c>, block by block (<see cref="IsInVerb"/>).
/// </summary>
internal static class IsInCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var values = new Option<string?>("--values") { Description = "The test values, comma-separated (integers stay exact; 2.5 matches only floats).", HelpName = "V1,V2,…" };
        var valuesFile = new Option<string?>("--values-file") { Description = "A text file of test values separated by commas, spaces or newlines.", HelpName = "F" };
        var command = new Command("isin", "Write where the input's voxels equal one of the test values, as a bool array, block-wise (numpy.isin).")
        {
            input, output, inputKey, outputKey, values, valuesFile,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            string? list = parse.GetValue(values), file = parse.GetValue(valuesFile);
            if ((list is null) == (file is null))
            {
                throw new UsageException("isin needs exactly one of --values V1,V2,… and --values-file F.");
            }

            string text = list ?? File.ReadAllText(file!);
            string[] tests = text.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            return (new IsInVerb { Values = tests }, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
