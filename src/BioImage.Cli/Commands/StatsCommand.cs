using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage stats INPUT</c>: min, max, mean and standard deviation, block-wise (<see cref="Stats"/>).</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var command = new Command("stats", "Min, max, mean and standard deviation (population, as numpy) of a volume, computed block-wise.")
        {
            input, inputKey,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new Stats(), [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }
}
