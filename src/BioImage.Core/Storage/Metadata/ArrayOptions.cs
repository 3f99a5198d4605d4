using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;

namespace BioImage.Storage.Metadata;

/// <summary>How to create a chunked array (the arguments of zarr's <c>create</c>).</summary>
public sealed record ArrayOptions
{
    /// <summary>Extent of each axis (C order).</summary>
    public required long[] Shape { get; init; }

    /// <summary>Element type.</summary>
    public required DType DType { get; init; }

    /// <summary>Chunk extent of each axis (the inner chunk when <see cref="Shards"/> is given).</summary>
    public required int[] Chunks { get; init; }

    /// <summary>The format; default zarr v3.</summary>
    public StorageFormat Format { get; init; } = StorageFormat.ZarrV3;

    /// <summary>Compression (null = none). Ignored when <see cref="Codecs"/> is given.</summary>
    public IBytesToBytesCodec? Compressor { get; init; } = new ZstdCodec();

    /// <summary>zarr v3 only: shard extent of each axis (a multiple of <see cref="Chunks"/>); null = no sharding.</summary>
    public int[]? Shards { get; init; }

    /// <summary>zarr v3 only: an explicit codec list, replacing the one built from <see cref="Compressor"/>.</summary>
    public IReadOnlyList<ICodec>? Codecs { get; init; }

    /// <summary>Fill value (cast to the element type).</summary>
    public double FillValue { get; init; }

    /// <summary>User attributes.</summary>
    public JsonObject? Attributes { get; init; }

    /// <summary>zarr v3 dimension names (one per axis).</summary>
    public string?[]? DimensionNames { get; init; }

    /// <summary>Chunk key separator; default '.' for zarr v2 and '/' for zarr v3 (N5 always uses '/').</summary>
    public char? Separator { get; init; }

    /// <summary>zarr v3 only: use the "v2" chunk key encoding (<c>1.2.3</c>) instead of "default" (<c>c/1/2/3</c>).</summary>
    public bool V2ChunkKeyEncoding { get; init; }

    /// <summary>zarr v2 only: store each chunk in Fortran order (<c>order: "F"</c>).</summary>
    public bool FortranOrder { get; init; }

    /// <summary>zarr v2 only: store elements big-endian.</summary>
    public bool BigEndian { get; init; }
}
