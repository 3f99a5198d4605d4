using System.CommandLine;
using System.Globalization;
using System.Numerics;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Sources.Formats;
using BioImage.Sources.Wrappers;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage copy IN OUT</c>: copies an array between .npy, Zarr v2, Zarr v3 (optionally sharded) and N5, block-wise
/// through the runner, creating OUT with the given chunks, dtype, codec and format (default: the input's chunks and
/// dtype, zstd:3 for Zarr and gzip:6 for N5, Zarr v3 for a new .zarr). --resize Z,Y,X writes the input resized
/// (bioimage-py's resized wrapper: spline --order 0–5, optional --anti-aliasing), --threshold T writes INPUT &gt; T
/// (after the resize). An HDF5 output (.h5) is a dataset written whole from memory, keeping the file's other datasets.
/// </summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var dtype = CommonOptions.DType("Element type of OUT (default: the input's); values convert as numpy's astype, saturating.");
        var threshold = new Option<double?>("--threshold") { Description = "Write INPUT > T as a bool array instead of the values (bioimage-py's threshold wrapper).", HelpName = "T" };
        var resize = new Option<long[]?>("--resize")
        {
            Description = "Write INPUT resized to this shape (output voxel o samples input o·in/out; bioimage-py's resized wrapper).",
            HelpName = "Z,Y,X",
            CustomParser = result => CommonOptions.ParseList(result, "--resize", minimum: 1),
        };
        var order = new Option<int?>("--order") { Description = "With --resize: spline order 0 (nearest, keeps the dtype; default) to 5 (orders ≥ 1 write float32).", HelpName = "0-5" };
        order.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and (< 0 or > 5))
            {
                result.AddError($"--order must be 0 to 5; got {value}.");
            }
        });
        var antiAliasing = new Option<bool>("--anti-aliasing") { Description = "With --resize: Gaussian smoothing of shrinking axes first (skimage's σ = (in/out − 1)/2)." };
        var command = new Command("copy", "Copy an array between .npy, Zarr v2/v3, N5, TIFF, HDF5, MRC and NIfTI block-wise, rechunking, recompressing, resizing, thresholding or converting its dtype.")
        {
            input, output, inputKey, outputKey, dtype, resize, order, antiAliasing, threshold,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) =>
        {
            (Operation, ISource[], ArrayTarget[]) Build()
            {
                var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
                if (parse.GetValue(resize) is { Length: > 0 } shape)
                {
                    try
                    {
                        source = source.Resized(shape, parse.GetValue(order) ?? 0, parse.GetValue(antiAliasing));
                    }
                    catch (ArgumentException error)
                    {
                        throw new UsageException("--resize: " + error.Message);
                    }
                }
                else if (parse.GetValue(order) is not null || parse.GetValue(antiAliasing))
                {
                    throw new UsageException("--order and --anti-aliasing apply with --resize.");
                }

                if (parse.GetValue(threshold) is { } level)
                {
                    source = source.Threshold(level);
                }

                var operation = new CopyVerb { DType = parse.GetResult(dtype) is null ? null : parse.GetValue(dtype) };
                return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
            }

            var target = verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey));
            return Task.FromResult(target.IsHdf5 && !verb.Resumes(parse) ? CopyToHdf5(parse, verb, target, Build, cancellation) : verb.Execute(parse, cancellation, Build));
        });
        return command;
    }

    /// <summary>
    /// Copies into a dataset of an HDF5 file: block-wise on local threads into memory, then one write of the file
    /// (PureHDF writes whole files), atomically (temp file + rename), keeping the file's other datasets — or refused,
    /// before anything runs, when they cannot be kept exactly. Worker processes cannot share an HDF5 file.
    /// </summary>
    private static int CopyToHdf5(ParseResult parse, Verb verb, ArrayTarget target, Func<(Operation, ISource[], ArrayTarget[])> build, CancellationToken cancellation)
    {
        var (operation, inputs, _) = Verb.Usage(build);
        var source = inputs[0];
        var options = verb.Options(parse, cancellation);
        var dtype = ((CopyVerb)operation).DType ?? source.DType;
        if (target.Key is null)
        {
            throw new UsageException($"{target.Path}: an HDF5 output needs --output-key (the dataset path inside the file, e.g. raw or volumes/raw).");
        }

        if (options.JobType != JobType.Local || options.BlockIds is not null)
        {
            throw new UsageException($"{target.Path}: HDF5 files are written whole by this process: use --job-type local without --block-ids, or write .zarr/.n5 for distributed runs and re-runs.");
        }

        if (target.Shards is not null || target.Codec is not null || target.ZarrFormat is not null)
        {
            throw new UsageException("An HDF5 output takes --chunks only (deflate level 1); --shards, --codec and --zarr-format apply to Zarr and N5.");
        }

        int rank = source.Shape.Count;
        if (target.Chunks is { } given && (given.Length != rank || given.Where((c, axis) => c > source.Shape[axis]).Any()))
        {
            throw new UsageException($"--chunks ({string.Join(",", given)}) must give {rank} extents, none larger than the input's shape ({string.Join(", ", source.Shape)}), for an HDF5 dataset.");
        }

        int[] chunks = target.Chunks ?? source.Chunks?.Select((e, axis) => (int)Math.Clamp(e, 1, source.Shape[axis])).ToArray() ?? [.. source.Shape.Select(e => (int)Math.Clamp(e, 1, 64))];
        long bytes = source.Shape.Aggregate(1L, (product, extent) => product * extent) * dtype.ItemSize();
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available / 2)
        {
            throw new UsageException($"{target.Path}: the HDF5 output ({bytes >> 20} MiB) is written from memory and does not fit (available {available >> 20} MiB); write .zarr or .n5 instead.");
        }

        Verb.Usage(() =>
        {
            Hdf5Source.CheckWrite(target.Path, target.Key, verb.Overwrite(parse));
            return true;
        });
        var report = dtype.Dispatch(new WriteHdf5(operation, source, target, chunks, options, verb.Overwrite(parse)));
        verb.Print(parse, report with { Outputs = [new ArrayReport(Path.GetFullPath(target.Path), target.Key, [.. source.Shape], dtype.NumpyName(), [.. chunks.Select(c => (long)c)])] });
        return BioImageCommand.Success;
    }

    private sealed class WriteHdf5(Operation operation, ISource source, ArrayTarget target, int[] chunks, RunOptions options, bool overwrite) : IDTypeFunc<OperationReport>
    {
        public OperationReport Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var data = NdArray<T>.Allocate([.. source.Shape.Select(e => checked((int)e))], clear: true);
            var report = Executor.Run(operation, [source], [new ArraySource<T>(data)], options with { BlockShape = options.BlockShape ?? source.Chunks ?? [.. chunks.Select(e => (long)e)] });
            Hdf5Source.Write(target.Path, target.Key!, data, chunks, overwrite);
            return report;
        }
    }
}
