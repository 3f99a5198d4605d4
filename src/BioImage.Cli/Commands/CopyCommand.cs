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
/// (after the resize).
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
        var outputSettings = new OutputSettings();
        var run = new RunSettings();
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
        var json = CommonOptions.Json();
        var command = new Command("copy", "Copy an array between .npy, Zarr v2/v3, N5, TIFF, HDF5, MRC and NIfTI block-wise, rechunking, recompressing, resizing, thresholding or converting its dtype.")
        {
            input, output, inputKey, outputKey, dtype, resize, order, antiAliasing, threshold, json,
        };
        outputSettings.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
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

            int rank = source.Shape.Count;
            var outputDType = parse.GetResult(dtype) is null ? source.DType : parse.GetValue(dtype);
            string outputPath = parse.GetRequiredValue(output);
            if (OutputSettings.IsHdf5(outputPath))
            {
                return Task.FromResult(CopyToHdf5(parse, source, outputDType, outputPath, parse.GetValue(outputKey), outputSettings.Hdf5Chunks(parse, source.Shape, source.Chunks), run.Read(parse, rank, cancellation), json));
            }

            var target = outputSettings.Create(parse, outputPath, parse.GetValue(outputKey), source.Shape, outputDType, source.Chunks, (source as ChunkedSource)?.Array.Metadata.Attributes);
            var options = run.Read(parse, rank, cancellation);
            options = options with { BlockShape = options.BlockShape ?? target.Chunks };
            BlockOperation step = new CopyOperation();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Runner.Run(step, [source], [target], options);
            var summary = new
            {
                input = parse.GetRequiredValue(input),
                output = outputPath,
                outputKey = parse.GetValue(outputKey),
                shape = source.Shape,
                dtype = outputDType.NumpyName(),
                chunks = target.Chunks,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"copied {summary.input} → {summary.output}: {summary.dtype} ({string.Join(", ", summary.shape)}), chunks ({string.Join(", ", summary.chunks ?? [])}) in {summary.seconds} s"));

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }

    /// <summary>
    /// Copies into a new HDF5 file: block-wise on local threads into memory, then one write of the whole dataset
    /// (PureHDF writes whole files), atomically (temp file + rename). Worker processes cannot share an HDF5 file.
    /// </summary>
    private static int CopyToHdf5(ParseResult parse, ISource source, DType dtype, string path, string? key, int[] chunks, RunOptions options, Option<bool> json)
    {
        if (key is null)
        {
            throw new UsageException($"{path}: an HDF5 output needs --output-key (the dataset path inside the file, e.g. raw or volumes/raw).");
        }

        if (options.JobType != JobType.Local)
        {
            throw new UsageException($"{path}: HDF5 files cannot be written by several processes; use --job-type local, or write .zarr/.n5 for distributed runs.");
        }

        long bytes = source.Shape.Aggregate(1L, (product, extent) => product * extent) * dtype.ItemSize();
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available / 2)
        {
            throw new UsageException($"{path}: the HDF5 output ({bytes >> 20} MiB) is written from memory and does not fit (available {available >> 20} MiB); write .zarr or .n5 instead.");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        dtype.Dispatch(new WriteHdf5(source, path, key, chunks, options));
        var summary = new { input = source.Spec?.Path, output = path, outputKey = key, shape = source.Shape, dtype = dtype.NumpyName(), chunks, seconds = Math.Round(clock.Elapsed.TotalSeconds, 3) };
        CliJson.Report(parse, json, summary, string.Create(CultureInfo.InvariantCulture, $"copied {summary.input} → {path}/{key}: {summary.dtype} ({string.Join(", ", summary.shape)}), HDF5 chunks ({string.Join(", ", chunks)}) in {summary.seconds} s"));
        return BioImageCommand.Success;
    }

    private sealed class WriteHdf5(ISource source, string path, string key, int[] chunks, RunOptions options) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var data = NdArray<T>.Allocate([.. source.Shape.Select(e => checked((int)e))], clear: false);
            Runner.Run(new CopyOperation(), [source], [new ArraySource<T>(data)], options with { BlockShape = options.BlockShape ?? source.Chunks ?? chunks.Select(e => (long)e).ToArray() });
            Hdf5Source.Write(path, key, data, chunks);
            return true;
        }
    }
}
