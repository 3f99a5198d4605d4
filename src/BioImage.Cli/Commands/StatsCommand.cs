using System.CommandLine;
using System.Numerics;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Storage;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage stats INPUT</c>: min, max, mean and standard deviation, block-wise.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var blockShape = CommonOptions.BlockShape();
        var workers = CommonOptions.Workers();
        var jobType = CommonOptions.JobType();
        var json = CommonOptions.Json();
        var command = new Command("stats", "Min, max, mean and standard deviation (population, as numpy) of a volume, computed block-wise.")
        {
            input, inputKey, blockShape, workers, jobType, json,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(input);
            if (parse.GetValue(inputKey) is { } key)
            {
                throw new UsageException($"--input-key '{key}': {path} is a single array (.npy) and has no keys; omit --input-key.");
            }

            var header = NpyFile.ReadHeader(path);
            var shape = parse.GetBlockShape(blockShape);
            CommonOptions.CheckRank(shape, header.Shape.Count);
            var result = header.DType.Dispatch(new Compute(path, shape ?? [], parse.GetValue(workers)));
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CliJson.Write(writer, new { path, dtype = header.DType.NumpyName(), shape = header.Shape, count = result.Count, min = result.Min, max = result.Max, mean = result.Mean, std = result.StandardDeviation });
            }
            else
            {
                writer.WriteLine($"{path}: {header.DType.NumpyName()} ({string.Join(", ", header.Shape)})");
                writer.WriteLine($"  count {result.Count}  min {result.Min:G9}  max {result.Max:G9}  mean {result.Mean:G9}  std {result.StandardDeviation:G9}");
            }

            return BioImageCommand.Success;
        });
        return command;
    }

    private sealed class Compute(string path, long[] blockShape, int workers) : IDTypeFunc<Moments>
    {
        public Moments Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var array = NpyFile.Read<T>(path);
            return Stats.Compute(array, blockShape, workers);
        }
    }
}
