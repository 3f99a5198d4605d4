using System.CommandLine;
using System.Globalization;
using BioImage.Operations;

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
        var verb = new LabelVerb();
        var command = new Command("size-filter", "Set labels smaller than --min-size or larger than --max-size to 0 and number the rest 1..K, block-wise (bioimage-py's size_filter).")
        {
            minSize, maxSize, noRelabel,
        };
        verb.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            long? min = parse.GetValue(minSize), max = parse.GetValue(maxSize);
            if (min is null && max is null)
            {
                throw new UsageException("size-filter needs --min-size N, --max-size N or both.");
            }

            return Task.FromResult(verb.Run(parse, "size-filter", (input, output, options) =>
            {
                var result = Relabeling.SizeFilter(input, output, options, min, max, !parse.GetValue(noRelabel));
                return (result.Mapping, new Dictionary<string, object> { ["kept"] = result.Kept, ["removed"] = result.Removed }, string.Create(CultureInfo.InvariantCulture, $"kept {result.Kept} labels, removed {result.Removed}"));
            }, cancellation));
        });
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
