using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage stats INPUT</c>: min, max, mean and standard deviation, block-wise.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("stats", "Min, max, mean and standard deviation (population, as numpy) of a volume, computed block-wise.")
        {
            input, inputKey, json,
        };
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(input);
            var source = Source.Open(path, parse.GetValue(inputKey));
            var result = Stats.Compute(source, run.Read(parse, source.Shape.Count, cancellation));
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CliJson.Write(writer, new { path, dtype = source.DType.NumpyName(), shape = source.Shape, count = result.Count, min = result.Min, max = result.Max, mean = result.Mean, std = result.StandardDeviation });
            }
            else
            {
                writer.WriteLine($"{path}: {source.DType.NumpyName()} ({string.Join(", ", source.Shape)})");
                writer.WriteLine($"  count {result.Count}  min {result.Min:G9}  max {result.Max:G9}  mean {result.Mean:G9}  std {result.StandardDeviation:G9}");
            }

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
