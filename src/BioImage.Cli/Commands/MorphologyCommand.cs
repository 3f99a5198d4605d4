using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage morphology SEG [--csv F]</c>: per-label size, centre of mass and bounding box, block-wise (<see cref="Morphology"/>).</summary>
internal static class MorphologyCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var csv = new Option<string?>("--csv") { Description = "Write the table as CSV (bioimage-py's columns: label, size, com_*, bb_min_*, bb_max_* exclusive).", HelpName = "F" };
        var command = new Command("morphology", "Per-label size, centre of mass and bounding box of an integer label volume (label 0 is background), computed block-wise (bioimage-py's morphology).")
        {
            input, inputKey, csv,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new Morphology { Csv = parse.GetValue(csv) is { } path ? Path.GetFullPath(path) : null }, [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }
}
