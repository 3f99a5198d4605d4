using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Sources;

/// <summary>
/// Where an operation writes an array and how a new one is stored: a <c>.npy</c> file, an N5 container (<c>.n5</c>)
/// or Zarr (any other path; v3 unless <see cref="ZarrFormat"/> is 2), with a key inside containers. Planning a target
/// (<see cref="Plan"/>) and looking at what is there (<see cref="Probe"/>) touch nothing; only <see cref="Create"/>
/// writes, and only <see cref="Create"/> with an array already there deletes anything (its old chunks).
/// </summary>
public sealed record ArrayTarget
{
    /// <summary>A target at <paramref name="path"/>, <paramref name="key"/> inside it ("/volumes/raw" and "volumes/raw" are one key).</summary>
    public ArrayTarget(string path, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        Key = key?.Trim('/') is { Length: > 0 } trimmed ? trimmed : null;
    }

    /// <summary>The file or container folder.</summary>
    [JsonPropertyName("path")]
    public string Path { get; }

    /// <summary>The array inside the container, without leading or trailing slashes; null when the path is the array.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>Chunk extents of a new array, one per axis; null: the layout's default chunks, else the shape capped at 64.</summary>
    [JsonPropertyName("chunks")]
    public int[]? Chunks { get; init; }

    /// <summary>Zarr v3 shard extents (multiples of the chunks); null: unsharded.</summary>
    [JsonPropertyName("shards")]
    public int[]? Shards { get; init; }

    /// <summary>
    /// Compression (<see cref="CompressorSpec.Forms"/>); null: the layout's <see cref="ArrayLayout.Compression"/> (the
    /// input's compressor), else zstd:3 for Zarr and gzip:6 for N5.
    /// </summary>
    [JsonPropertyName("codec")]
    public string? Codec { get; init; }

    /// <summary>2 or 3 for a new Zarr array; null: 3.</summary>
    [JsonPropertyName("zarrFormat")]
    public int? ZarrFormat { get; init; }

    /// <summary>The path and key as users write them, for messages.</summary>
    [JsonIgnore]
    public string Name => Key is null ? Path : $"{Path} (key {Key})";

    /// <summary>True for an HDF5 file (.h5, .hdf5, .hdf): written whole, by <c>copy</c> only.</summary>
    [JsonIgnore]
    public bool IsHdf5 => System.IO.Path.GetExtension(Path.TrimEnd('/')).ToLowerInvariant() is ".h5" or ".hdf5" or ".hdf";

    private bool IsNpy => System.IO.Path.GetExtension(Path.TrimEnd('/')).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    private bool IsN5 => System.IO.Path.GetExtension(Path.TrimEnd('/')).Equals(".n5", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Checks the storage settings against the array to write and returns how a new array would be stored (null for a
    /// .npy file, which has no options). Touches nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A setting does not fit (the message names the option and what it expects).</exception>
    public ArrayOptions? Plan(ArrayLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int rank = layout.Shape.Count;
        if (Key is not null && !IsHdf5)
        {
            StoreKey.Validate(Key);
        }

        if (IsHdf5)
        {
            throw new ArgumentException($"{Path}: only `bioimage copy` writes HDF5 (a new dataset written at once from memory); write .zarr or .n5 and convert with `bioimage copy OUT.zarr {System.IO.Path.GetFileName(Path)} --output-key KEY`.");
        }

        if (IsNpy)
        {
            if (Key is not null || Chunks is not null || Shards is not null || Codec is not null || ZarrFormat is not null)
            {
                throw new ArgumentException($"{Path}: a .npy output takes no --output-key, --chunks, --shards, --codec or --zarr-format.");
            }

            return rank <= 3 ? null : throw new ArgumentException($"{Path}: a .npy output holds at most 3 axes; this output has shape ({string.Join(", ", layout.Shape)}). Write to .zarr or .n5 instead.");
        }

        var format = IsN5 ? StorageFormat.N5 : ZarrFormat switch
        {
            null or 3 => StorageFormat.ZarrV3,
            2 => StorageFormat.ZarrV2,
            var other => throw new ArgumentException($"--zarr-format must be 2 or 3; got {other}."),
        };
        if (format == StorageFormat.N5 && ZarrFormat is not null)
        {
            throw new ArgumentException("--zarr-format applies to .zarr outputs, not N5.");
        }

        CheckRank("--chunks", Chunks, rank, layout.AxesOf);
        CheckRank("--shards", Shards, rank, layout.AxesOf);
        if (Shards is not null && format != StorageFormat.ZarrV3)
        {
            throw new ArgumentException("--shards needs a Zarr v3 output (--zarr-format 3).");
        }

        IBytesToBytesCodec? compressor;
        try
        {
            compressor = Codec is not null ? CompressorSpec.Parse(Codec)
                : layout.Compression is { } inherited ? inherited.Codec
                : format == StorageFormat.N5 ? new DeflateCodec(6) : new ZstdCodec(3);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException("--codec: " + error.Message, error);
        }

        var options = new ArrayOptions
        {
            Shape = [.. layout.Shape],
            DType = layout.DType,
            Chunks = Chunks ?? layout.DefaultChunks?.Select(e => (int)Math.Clamp(e, 1, int.MaxValue)).ToArray() ?? [.. layout.Shape.Select(e => (int)Math.Clamp(e, 1, 64))],
            Shards = Shards,
            Format = format,
            Compressor = compressor,
            Attributes = layout.Attributes?.DeepClone().AsObject(),
            DimensionNames = format == StorageFormat.ZarrV3 ? layout.DimensionNames : null,
        };
        ChunkedArray.Check(options, Name);
        return options;
    }

    /// <summary>What is at the target now (read only): nothing, an array (opened read-write), or something else.</summary>
    public (ArrayPresence Presence, ISource? Array) Probe()
    {
        string full = System.IO.Path.GetFullPath(Path);
        string location = Key is null ? full : System.IO.Path.Combine(full, Key);
        if (!Directory.Exists(location) && !File.Exists(location))
        {
            return (ArrayPresence.Absent, null);
        }

        var spec = IsNpy ? new SourceSpec("npy", full, null, "r+") : new SourceSpec(IsN5 ? "n5" : "zarr", full, Key, "r+");
        if (IsNpy && !File.Exists(full))
        {
            return (ArrayPresence.Other, null);
        }

        try
        {
            Source.Open(spec with { Mode = "r" });
        }
        catch (FileNotFoundException)
        {
            return Directory.Exists(location) && !Directory.EnumerateFileSystemEntries(location).Any() ? (ArrayPresence.Absent, null) : (ArrayPresence.Other, null);
        }
        catch (InvalidDataException error)
        {
            throw new ArgumentException($"{Name} exists but is not an array this library can open ({error.Message}); it is never replaced: choose another output.", error);
        }

        try
        {
            return (ArrayPresence.Array, Source.Open(spec));
        }
        catch (InvalidDataException error)
        {
            throw new ArgumentException($"{Name} exists but cannot be written ({error.Message}); choose another output.", error);
        }
    }

    /// <summary>Creates the array as <see cref="Plan"/> planned it; an array already there is replaced (its chunks deleted).</summary>
    public ISource Create(ArrayLayout layout, ArrayOptions? planned, int degreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return planned is null
            ? NpySource.Create(Path, layout.DType, layout.Shape)
            : ChunkedSource.Create(Path, Key, planned, degreeOfParallelism);
    }

    private static void CheckRank(string name, int[]? values, int rank, string axesOf)
    {
        if (values is not null && values.Length != rank)
        {
            throw new ArgumentException($"{name} has {values.Length} values but {axesOf} has {rank} axes; give {rank} comma-separated extents.", name);
        }
    }
}

/// <summary>What an operation writes to one output: its shape, dtype and the defaults of a new array's storage.</summary>
/// <param name="Shape">Extent of each axis.</param>
/// <param name="DType">Element type.</param>
/// <param name="DefaultChunks">Chunks of a new array unless the target names them (e.g. the input's); null: the shape capped at 64.</param>
/// <param name="Attributes">Attributes of a new Zarr/N5 array (e.g. copied from the input).</param>
/// <param name="DimensionNames">Zarr v3 dimension names of a new array.</param>
/// <param name="AxesOf">What the axes are called in messages about per-axis settings ("the input", "the output (channel first)").</param>
/// <param name="Compression">Compression of a new array unless the target names one (the executor gives the input's); null: the format's default.</param>
public sealed record ArrayLayout(
    IReadOnlyList<long> Shape,
    DType DType,
    IReadOnlyList<long>? DefaultChunks = null,
    JsonObject? Attributes = null,
    string?[]? DimensionNames = null,
    string AxesOf = "the input",
    InheritedCompression? Compression = null);

/// <summary>What <see cref="ArrayTarget.Probe"/> finds.</summary>
public enum ArrayPresence
{
    /// <summary>Nothing (or an empty folder).</summary>
    Absent,

    /// <summary>An array of any format this library reads.</summary>
    Array,

    /// <summary>A group, a folder with other content or a file that is not an array: never replaced.</summary>
    Other,
}
