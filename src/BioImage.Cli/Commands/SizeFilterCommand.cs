using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage size-filter IN OUT [--min-size N] [--max-size N] [--no-relabel]</c>: bioimage-py's size_filter,
/// block-wise in two passes (unique with counts, then relabel).
/// </summary>
internal static class SizeFilterCommand
{
    public static Command Create()
    {
        var minSize = SizeOption("--min-size", "Remove labels with fewer voxels than N (a label of exactly N voxels stays).");
        var maxSize = SizeOption("--max-size", "Remove labels with more voxels than N (a label of exactly N voxels stays).");
        var noRelabel = new Option<bool>("--no-relabel") { Description = "Keep the surviving labels' ids instead of numbering them 1..K." };
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var dtype = CommonOptions.DType("Integer element type of OUT (default: the input's).");
        var command = new Command("size-filter", "Set labels smaller than --min-size or larger than --max-size to 0 and number the rest 1..K, block-wise (bioimage-py's size_filter).")
        {
            input, output, inputKey, outputKey, dtype, minSize, maxSize, noRelabel,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var operation = new SizeFilterVerb
            {
                MinSize = parse.GetValue(minSize),
                MaxSize = parse.GetValue(maxSize),
                Relabel = !parse.GetValue(noRelabel),
                DType = parse.GetResult(dtype) is null ? null : parse.GetValue(dtype),
            };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }

    private static Option<long?> SizeOption(string name, string description)
    {
        var option = new Option<long?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 0)
            {
                result.AddError($"{name} must be at least 0; got {result.GetValueOrDefault<long?>()}.");
            }
        });
        return option;
    }
}
