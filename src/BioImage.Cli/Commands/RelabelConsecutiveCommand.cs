using System.CommandLine;
using System.Globalization;
using BioImage.Operations;

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
        var verb = new LabelVerb();
        var command = new Command("relabel-consecutive", "Renumber the labels of an integer volume consecutively in increasing order, block-wise (bioimage-py's relabel_consecutive, skimage's relabel_sequential).")
        {
            startLabel, noKeepZeros,
        };
        verb.AddTo(command);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Run(parse, "relabel-consecutive", (input, output, options) =>
        {
            var mapping = Relabeling.Consecutive(input, output, options, parse.GetValue(startLabel), !parse.GetValue(noKeepZeros));
            return (mapping, new Dictionary<string, object>(), string.Create(CultureInfo.InvariantCulture, $"{mapping.Count} labels → max label {mapping.MaxLabel}"));
        }, cancellation)));
        return command;
    }
}
