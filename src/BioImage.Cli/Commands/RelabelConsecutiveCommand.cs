using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage relabel-consecutive IN OUT [--start-label N] [--no-keep-zeros]</c>: bioimage-py's relabel_consecutive,
/// block-wise in two passes (unique, then relabel).
/// </summary>
internal static class RelabelConsecutiveCommand
{
    public static Command Create()
    {
        var startLabel = new Option<long>("--start-label") { Description = "The new label of the smallest value (default 0; with 0 present and kept, the other labels start at start + 1).", HelpName = "N" };
        var noKeepZeros = new Option<bool>("--no-keep-zeros") { Description = "Number background 0 like any label instead of keeping it 0." };
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var dtype = CommonOptions.DType("Integer element type of OUT (default: the input's).");
        var command = new Command("relabel-consecutive", "Renumber the labels of an integer volume consecutively in increasing order, block-wise (bioimage-py's relabel_consecutive, skimage's relabel_sequential).")
        {
            input, output, inputKey, outputKey, dtype, startLabel, noKeepZeros,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: false, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var operation = new RelabelConsecutiveVerb
            {
                StartLabel = parse.GetValue(startLabel),
                KeepZeros = !parse.GetValue(noKeepZeros),
                DType = parse.GetResult(dtype) is null ? null : parse.GetValue(dtype),
            };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
