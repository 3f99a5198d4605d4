using System.Text;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;

namespace BioImage.Storage.Metadata;

/// <summary>
/// What a chunked array is, independent of its format: shape, chunk grid, element type, fill value, codec chain,
/// chunk key encoding and attributes, all in C axis order (N5's reversed axes are turned around on reading).
/// </summary>
public sealed class ArrayMetadata
{
    /// <summary>Most axes accepted.</summary>
    public const int MaxRank = 32;

    /// <summary>The container format.</summary>
    public required StorageFormat Format { get; init; }

    /// <summary>Extent of each axis (C order).</summary>
    public required long[] Shape { get; init; }

    /// <summary>Shape of one stored object: the chunk, or the shard for sharded arrays.</summary>
    public required int[] ChunkShape { get; init; }

    /// <summary>Element type.</summary>
    public required DType DType { get; init; }

    /// <summary>True when the stored elements are big-endian (zarr v2 '&gt;' dtypes, bytes codec "big", N5).</summary>
    public bool BigEndian { get; init; }

    /// <summary>One element of fill value (native bytes); missing chunks read as this.</summary>
    public required byte[] FillValue { get; init; }

    /// <summary>True for zarr v2's <c>fill_value: null</c> (missing chunks are undefined; read as zeros here).</summary>
    public bool FillValueIsNull { get; init; }

    /// <summary>The codecs every stored object goes through.</summary>
    public required CodecChain Codecs { get; init; }

    /// <summary>Separator of chunk key parts ('.' or '/').</summary>
    public char Separator { get; init; } = '/';

    /// <summary>zarr v3 "default" chunk key encoding (<c>c/1/2/3</c>); false for "v2" (<c>1.2.3</c>).</summary>
    public bool DefaultKeyEncoding { get; init; }

    /// <summary>zarr v2 <c>order: "F"</c> (chunks stored in Fortran order).</summary>
    public bool FortranOrder { get; init; }

    /// <summary>Name of each axis (zarr v3 dimension_names), or null.</summary>
    public string?[]? DimensionNames { get; init; }

    /// <summary>User attributes (.zattrs, v3 attributes, N5 attributes other than the dataset keys).</summary>
    public JsonObject Attributes { get; init; } = [];

    /// <summary>Number of axes.</summary>
    public int Rank => Shape.Length;

    /// <summary>The inner chunk shape of a sharded array, else null.</summary>
    public IReadOnlyList<int>? InnerChunkShape => (Codecs.ArrayToBytes as ShardingCodec)?.ChunkShape;

    /// <summary>The fill value in its JSON form (numbers; "NaN", "Infinity", "-Infinity"; booleans).</summary>
    public JsonNode FillValueToJson() => global::BioImage.Storage.Metadata.FillValue.ToJson(FillValue, DType);

    /// <summary>Stored objects along each axis.</summary>
    public long[] GridShape => Shape.Select((extent, axis) => (extent + ChunkShape[axis] - 1) / ChunkShape[axis]).ToArray();

    /// <summary>The key of the object at <paramref name="gridPosition"/>, relative to the array's folder.</summary>
    public string ChunkKey(ReadOnlySpan<long> gridPosition)
    {
        var key = new StringBuilder();
        switch (Format)
        {
            case StorageFormat.N5:
                for (int axis = gridPosition.Length - 1; axis >= 0; axis--)
                {
                    key.Append(gridPosition[axis]).Append(axis > 0 ? "/" : string.Empty);
                }

                return key.Length == 0 ? "0" : key.ToString();
            case StorageFormat.ZarrV3 when DefaultKeyEncoding:
                key.Append('c');
                foreach (long index in gridPosition)
                {
                    key.Append(Separator).Append(index);
                }

                return key.ToString();
            default:
                for (int axis = 0; axis < gridPosition.Length; axis++)
                {
                    key.Append(axis > 0 ? Separator.ToString() : string.Empty).Append(gridPosition[axis]);
                }

                return key.Length == 0 ? "0" : key.ToString();
        }
    }

    /// <summary>Chunk extents read from metadata, each checked to be a positive <see cref="int"/>.</summary>
    internal static int[] ToChunkShape(long[] chunks, string where) => chunks.Select(e => e is > 0 and <= int.MaxValue
        ? (int)e
        : throw new InvalidDataException($"{where}: chunk shape [{string.Join(", ", chunks)}] must hold positive integers below 2^31.")).ToArray();

    /// <summary>
    /// Refuses metadata that is inconsistent or absurd before anything is allocated: rank mismatches, negative
    /// extents, non-positive chunk extents, chunks over 2 GiB, grids whose object count overflows.
    /// </summary>
    /// <exception cref="InvalidDataException">Naming <paramref name="where"/> and the offending values.</exception>
    public void Validate(string where)
    {
        if (Shape.Length > MaxRank)
        {
            throw new InvalidDataException($"{where}: {Shape.Length} axes; at most {MaxRank} are supported.");
        }

        if (ChunkShape.Length != Shape.Length)
        {
            throw new InvalidDataException($"{where}: shape [{string.Join(", ", Shape)}] has {Shape.Length} axes but the chunk shape [{string.Join(", ", ChunkShape)}] has {ChunkShape.Length}.");
        }

        if (Shape.Any(e => e < 0))
        {
            throw new InvalidDataException($"{where}: shape [{string.Join(", ", Shape)}] has a negative extent.");
        }

        if (ChunkShape.Any(e => e <= 0))
        {
            throw new InvalidDataException($"{where}: chunk shape [{string.Join(", ", ChunkShape)}] has an extent below 1.");
        }

        long chunkBytes = ChunkShape.Aggregate((long)DType.ItemSize(), (product, extent) => product > int.MaxValue ? product : product * extent);
        if (chunkBytes > int.MaxValue - 64)
        {
            throw new InvalidDataException($"{where}: one chunk of shape [{string.Join(", ", ChunkShape)}] would hold {chunkBytes} bytes; chunks must stay below 2 GiB.");
        }

        try
        {
            _ = GridShape.Aggregate(1L, (product, extent) => checked(product * Math.Max(extent, 1)));
        }
        catch (OverflowException error)
        {
            throw new InvalidDataException($"{where}: shape [{string.Join(", ", Shape)}] with chunks [{string.Join(", ", ChunkShape)}] has more chunks than can be counted.", error);
        }

        if (DimensionNames is not null && DimensionNames.Length != Shape.Length)
        {
            throw new InvalidDataException($"{where}: dimension_names has {DimensionNames.Length} entries; the array has {Shape.Length} axes.");
        }

        if (InnerChunkShape is { } inner && (inner.Count != Rank || inner.Select((e, axis) => ChunkShape[axis] % e).Any(r => r != 0)))
        {
            throw new InvalidDataException($"{where}: the sharding chunk_shape [{string.Join(", ", inner)}] does not evenly divide the shard shape [{string.Join(", ", ChunkShape)}].");
        }
    }
}
