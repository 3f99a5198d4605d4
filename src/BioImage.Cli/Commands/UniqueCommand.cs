using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage unique INPUT [--counts]</c>: the distinct values of a volume (labels or floats), block-wise (<see cref="UniqueValues"/>).</summary>
internal static class UniqueCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var counts = new Option<bool>("--counts") { Description = "Also count the voxels of each value (numpy's return_counts)." };
        var command = new Command("unique", "The sorted distinct values of a volume (labels, or floats: ±0 one value, NaNs one value, last), optionally with their voxel counts, computed block-wise (numpy.unique).")
        {
            input, inputKey, counts,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new UniqueValues { Counts = parse.GetValue(counts) }, [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }
}
