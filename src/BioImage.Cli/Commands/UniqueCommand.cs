using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage unique INPUT [--counts]</c>: the distinct values of an integer volume (and their counts), block-wise.</summary>
internal static class UniqueCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var counts = new Option<bool>("--counts") { Description = "Also count the voxels of each value (numpy's return_counts)." };
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("unique", "The sorted distinct values of an integer (label) volume, optionally with their voxel counts, computed block-wise (numpy.unique).")
        {
            input, inputKey, counts, json,
        };
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(input);
            var source = Source.Open(path, parse.GetValue(inputKey));
            bool withCounts = parse.GetValue(counts);
            var result = UniqueValues.Compute(source, run.Read(parse, source.Shape.Count, cancellation), withCounts);
            var values = result.Values.Cast<object>().Select(v => System.Convert.ToString(v, CultureInfo.InvariantCulture)!).ToArray();
            var summary = new { path, dtype = source.DType.NumpyName(), shape = source.Shape, count = values.Length, values = result.Values, counts = result.Counts };
            string text = $"{path}: {values.Length} distinct values\n" + (result.Counts is { } sizes
                ? string.Join('\n', values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{v}\t{sizes[i]}")))
                : string.Join(' ', values));
            CliJson.Report(parse, json, summary, text);
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
