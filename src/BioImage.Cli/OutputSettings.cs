using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json.Nodes;
using BioImage.Sources;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Cli;

/// <summary>
/// The options of verbs that create an output array (--chunks, --shards, --codec, --zarr-format) and the creation
/// itself: .npy by extension, N5 for .n5, otherwise Zarr (v3 unless --zarr-format 2); zstd:3 for Zarr and gzip:6 for
/// N5 unless --codec says otherwise.
/// </summary>
internal sealed class OutputSettings
{
    private readonly Option<int[]?> _chunks = PositiveList("--chunks", "Chunk extents of OUT, one per axis (default: the input's chunks, else 64).");
    private readonly Option<int[]?> _shards = PositiveList("--shards", "Zarr v3 only: shard extents (multiples of the chunks); each shard is one file.");
    private readonly Option<string?> _codec = new("--codec") { Description = $"Compression of OUT: {CompressorSpec.Forms}.", HelpName = "SPEC" };
    private readonly Option<int?> _zarrFormat = new("--zarr-format") { Description = "Zarr version of a new .zarr output (default 3).", HelpName = "2|3" };

    public OutputSettings()
    {
        _zarrFormat.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } version && version is not (2 or 3))
            {
                result.AddError($"--zarr-format must be 2 or 3; got {version}.");
            }
        });
    }

    /// <summary>Adds the options to a verb.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _chunks, _shards, _codec, _zarrFormat })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Creates the output array at <paramref name="path"/> (and <paramref name="key"/>) with the given shape and dtype;
    /// <paramref name="axesOf"/> names what the axes belong to in errors. Chunks default to <paramref name="defaultChunks"/>, else the shape capped at 64 per axis.
    /// </summary>
    public ISource Create(ParseResult parse, string path, string? key, IReadOnlyList<long> shape, DType dtype, IReadOnlyList<long>? defaultChunks, JsonObject? attributes = null, string axesOf = "the input")
    {
        int rank = shape.Count;
        var (chunks, shards, codecSpec, compressor) = Read(parse, rank, axesOf);
        int? zarrFormat = parse.GetValue(_zarrFormat);
        string extension = Path.GetExtension(path.TrimEnd('/'));
        if (extension.Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (key is not null || chunks is not null || shards is not null || codecSpec is not null || zarrFormat is not null)
            {
                throw new UsageException("A .npy output takes no --output-key, --chunks, --shards, --codec or --zarr-format.");
            }

            if (rank > 3)
            {
                throw new UsageException($"A .npy output holds at most 3 axes; this output has shape ({string.Join(", ", shape)}). Write to .zarr or .n5 instead.");
            }

            return NpySource.Create(path, dtype, shape);
        }

        if (IsHdf5(path))
        {
            throw new UsageException($"{path}: only `bioimage copy` writes HDF5 (a new file written at once, since PureHDF cannot write parts of a file); write .zarr or .n5 and convert with `bioimage copy OUT.zarr {Path.GetFileName(path)} --output-key KEY`.");
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

        var chunkShape = chunks ?? defaultChunks?.Select(e => (int)Math.Min(e, int.MaxValue)).ToArray() ?? shape.Select(e => (int)Math.Clamp(e, 1, 64)).ToArray();
        try
        {
            return ChunkedSource.Create(path, key, new ArrayOptions
            {
                Shape = shape.ToArray(),
                DType = dtype,
                Chunks = chunkShape,
                Shards = shards,
                Format = format,
                Compressor = codecSpec is not null ? compressor : format == StorageFormat.N5 ? new DeflateCodec(6) : new ZstdCodec(3),
                Attributes = attributes,
            });
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException)
        {
            throw new UsageException(error.Message);
        }
    }

    /// <summary>True when <paramref name="path"/> names an HDF5 file (.h5, .hdf5, .hdf).</summary>
    public static bool IsHdf5(string path) => Path.GetExtension(path.TrimEnd('/')).ToLowerInvariant() is ".h5" or ".hdf5" or ".hdf";

    /// <summary>
    /// The chunks of a new HDF5 dataset of <paramref name="shape"/>: --chunks, else <paramref name="defaultChunks"/>, else
    /// the shape capped at 64 per axis (deflate level 1); --shards, --codec and --zarr-format do not apply.
    /// </summary>
    public int[] Hdf5Chunks(ParseResult parse, IReadOnlyList<long> shape, IReadOnlyList<long>? defaultChunks)
    {
        var (chunks, shards, codecSpec, _) = Read(parse, shape.Count, "the input");
        if (shards is not null || codecSpec is not null || parse.GetValue(_zarrFormat) is not null)
        {
            throw new UsageException("An HDF5 output takes --chunks only (deflate level 1); --shards, --codec and --zarr-format apply to Zarr and N5.");
        }

        return chunks ?? defaultChunks?.Select((e, axis) => (int)Math.Clamp(e, 1, shape[axis])).ToArray() ?? [.. shape.Select(e => (int)Math.Clamp(e, 1, 64))];
    }

    /// <summary>
    /// The storage of the arrays of a multi-array Zarr output (the levels of a pyramid): format (v3 unless
    /// --zarr-format 2), chunks and shards (null when not given) and the compressor (zstd:3 unless --codec).
    /// </summary>
    public (StorageFormat Format, int[]? Chunks, int[]? Shards, IBytesToBytesCodec? Compressor) ZarrArrays(ParseResult parse, int rank, string axesOf = "the input")
    {
        var (chunks, shards, codecSpec, compressor) = Read(parse, rank, axesOf);
        var format = parse.GetValue(_zarrFormat) == 2 ? StorageFormat.ZarrV2 : StorageFormat.ZarrV3;
        if (shards is not null && format != StorageFormat.ZarrV3)
        {
            throw new UsageException("--shards needs a Zarr v3 output (--zarr-format 3).");
        }

        return (format, chunks, shards, codecSpec is not null ? compressor : new ZstdCodec(3));
    }

    /// <summary>--chunks and --shards checked against the rank, and --codec parsed.</summary>
    private (int[]? Chunks, int[]? Shards, string? CodecSpec, IBytesToBytesCodec? Compressor) Read(ParseResult parse, int rank, string axesOf)
    {
        var chunks = parse.GetValue(_chunks) is { Length: > 0 } c ? c : null;
        var shards = parse.GetValue(_shards) is { Length: > 0 } s ? s : null;
        CheckRank("--chunks", chunks, rank, axesOf);
        CheckRank("--shards", shards, rank, axesOf);
        string? codecSpec = parse.GetValue(_codec);
        try
        {
            return (chunks, shards, codecSpec, codecSpec is not null ? CompressorSpec.Parse(codecSpec) : null);
        }
        catch (ArgumentException error)
        {
            throw new UsageException("--codec: " + error.Message);
        }
    }

    private static Option<int[]?> PositiveList(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "Z,Y,X",
        CustomParser = result => CommonOptions.ParseNumbers<int>(result, NumberStyles.None, value => value >= 1, list => $"{name}: '{list}' is not a list of positive integers like 64,64,64."),
    };

    private static void CheckRank(string name, int[]? values, int rank, string axesOf)
    {
        if (values is not null && values.Length != rank)
        {
            throw new UsageException($"{name} has {values.Length} values but {axesOf} has {rank} axes; give {rank} comma-separated extents.");
        }
    }
}
