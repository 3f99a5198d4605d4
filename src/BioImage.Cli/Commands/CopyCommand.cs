using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage copy IN OUT</c>: copies an array between .npy, Zarr v2, Zarr v3 (optionally sharded) and N5, block-wise
/// through the runner, creating OUT with the given chunks, dtype, codec and format (default: the input's chunks and
/// dtype, zstd:3 for Zarr and gzip:6 for N5, Zarr v3 for a new .zarr).
/// </summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var chunks = PositiveList("--chunks", "Chunk extents of OUT, one per axis (default: the input's chunks, else 64).");
        var shards = PositiveList("--shards", "Zarr v3 only: shard extents (multiples of the chunks); each shard is one file.");
        var dtype = CommonOptions.DType("Element type of OUT (default: the input's); values convert as numpy's astype, saturating.");
        var codec = new Option<string?>("--codec") { Description = $"Compression of OUT: {CompressorSpec.Forms}.", HelpName = "SPEC" };
        var zarrFormat = new Option<int?>("--zarr-format") { Description = "Zarr version of a new .zarr output (default 3).", HelpName = "2|3" };
        zarrFormat.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } version && version is not (2 or 3))
            {
                result.AddError($"--zarr-format must be 2 or 3; got {version}.");
            }
        });
        var run = new RunSettings();
        var json = CommonOptions.Json();
        var command = new Command("copy", "Copy an array between .npy, Zarr v2/v3 and N5 block-wise, rechunking, recompressing or converting its dtype.")
        {
            input, output, inputKey, outputKey, chunks, shards, dtype, codec, zarrFormat, json,
        };
        run.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            int rank = source.Shape.Count;
            var requestedChunks = parse.GetValue(chunks) is { Length: > 0 } c ? c : null;
            var requestedShards = parse.GetValue(shards) is { Length: > 0 } s ? s : null;
            CheckRank("--chunks", requestedChunks, rank);
            CheckRank("--shards", requestedShards, rank);
            var outputDType = parse.GetResult(dtype) is null ? source.DType : parse.GetValue(dtype);
            IBytesToBytesCodec? compressor;
            try
            {
                compressor = parse.GetValue(codec) is { } spec ? CompressorSpec.Parse(spec) : null;
            }
            catch (ArgumentException error)
            {
                throw new UsageException("--codec: " + error.Message);
            }

            string outputPath = parse.GetRequiredValue(output);
            var target = CreateOutput(outputPath, parse.GetValue(outputKey), source, outputDType, requestedChunks, requestedShards, compressor, codecGiven: parse.GetValue(codec) is not null, parse.GetValue(zarrFormat));
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
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CliJson.Write(writer, summary);
            }
            else
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"copied {summary.input} → {summary.output}: {summary.dtype} ({string.Join(", ", summary.shape)}), chunks ({string.Join(", ", summary.chunks ?? [])}) in {summary.seconds} s"));
            }

            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }

    private static ISource CreateOutput(string path, string? key, ISource source, DType dtype, int[]? chunks, int[]? shards, IBytesToBytesCodec? compressor, bool codecGiven, int? zarrFormat)
    {
        string extension = Path.GetExtension(path.TrimEnd('/'));
        if (extension.Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (key is not null || chunks is not null || shards is not null || codecGiven || zarrFormat is not null)
            {
                throw new UsageException("A .npy output takes no --output-key, --chunks, --shards, --codec or --zarr-format.");
            }

            return NpySource.Create(path, dtype, source.Shape);
        }

        var format = extension.Equals(".n5", StringComparison.OrdinalIgnoreCase)
            ? StorageFormat.N5
            : zarrFormat == 2 ? StorageFormat.ZarrV2 : StorageFormat.ZarrV3;
        if (format == StorageFormat.N5 && zarrFormat is not null)
        {
            throw new UsageException("--zarr-format applies to .zarr outputs, not N5.");
        }

        if (shards is not null && format != StorageFormat.ZarrV3)
        {
            throw new UsageException("--shards needs a Zarr v3 output (--zarr-format 3).");
        }

        var chunkShape = chunks ?? source.Chunks?.Select(e => (int)Math.Min(e, int.MaxValue)).ToArray() ?? source.Shape.Select(e => (int)Math.Clamp(e, 1, 64)).ToArray();
        try
        {
            return ChunkedSource.Create(path, key, new ArrayOptions
            {
                Shape = source.Shape.ToArray(),
                DType = dtype,
                Chunks = chunkShape,
                Shards = shards,
                Format = format,
                Compressor = codecGiven ? compressor : format == StorageFormat.N5 ? new DeflateCodec(6) : new ZstdCodec(3),
                Attributes = (source as ChunkedSource)?.Array.Metadata.Attributes,
            });
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException)
        {
            throw new UsageException(error.Message);
        }
    }

    private static Option<int[]?> PositiveList(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "Z,Y,X",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var parts = string.Join(',', result.Tokens.Select(t => t.Value)).Split(',', StringSplitOptions.TrimEntries);
            var values = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                {
                    result.AddError($"{name}: '{string.Join(',', parts)}' is not a list of positive integers like 64,64,64.");
                    return null;
                }
            }

            return values;
        },
    };

    private static void CheckRank(string name, int[]? values, int rank)
    {
        if (values is not null && values.Length != rank)
        {
            throw new UsageException($"{name} has {values.Length} values but the input has {rank} axes; give {rank} comma-separated extents.");
        }
    }
}
