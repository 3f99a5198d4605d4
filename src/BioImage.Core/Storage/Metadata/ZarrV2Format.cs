using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;
using BioImage.Storage.Stores;

namespace BioImage.Storage.Metadata;

/// <summary>
/// Zarr v2 metadata (zarr-specs v2.0): <c>.zarray</c> (shape, chunks, numpy typestr dtype, compressor, fill_value,
/// order, filters, dimension_separator), <c>.zattrs</c> and <c>.zgroup</c>. Filters must be null or empty.
/// </summary>
internal static class ZarrV2Format
{
    public const string ArrayKey = ".zarray";
    public const string AttributesKey = ".zattrs";
    public const string GroupKey = ".zgroup";

    /// <summary>The array at <paramref name="path"/>, or null when there is no <c>.zarray</c>.</summary>
    public static ArrayMetadata? Read(IStore store, string path)
    {
        string key = StoreKey.Join(path, ArrayKey);
        var document = JsonDocuments.Read(store, key);
        if (document is null)
        {
            return null;
        }

        string where = JsonDocuments.Where(store, key);
        if (document["zarr_format"]?.ToJsonString() != "2")
        {
            throw new InvalidDataException($"{where}: zarr_format is {document["zarr_format"]?.ToJsonString() ?? "missing"}; expected 2.");
        }

        string typestr = document["dtype"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : throw new NotSupportedException($"{where}: dtype {document["dtype"]?.ToJsonString() ?? "missing"} is not supported (structured dtypes are not).");
        var (dtype, bigEndian) = DTypeCodes.ParseTypestr(typestr, where);
        if (document["filters"] is JsonArray { Count: > 0 } filters)
        {
            throw new NotSupportedException($"{where}: filters {filters.ToJsonString()} are not supported; only null or [] filters are.");
        }

        string order = document["order"]?.GetValue<string>() ?? "C";
        if (order is not ("C" or "F"))
        {
            throw new InvalidDataException($"{where}: order '{order}' is not 'C' or 'F'.");
        }

        string separator = document["dimension_separator"]?.GetValue<string>() ?? ".";
        if (separator is not ("." or "/"))
        {
            throw new InvalidDataException($"{where}: dimension_separator '{separator}' is not '.' or '/'.");
        }

        var shape = CodecJson.LongList(document["shape"], $"{where}: shape");
        var chunks = CodecJson.LongList(document["chunks"], $"{where}: chunks");
        var compressor = document["compressor"] is JsonObject config ? CodecJson.FromNumcodecs(config, where) : null;
        List<ICodec> codecs = order == "F" ? [TransposeCodec.FortranOrder(shape.Length)] : [];
        codecs.Add(new BytesCodec(bigEndian));
        if (compressor is not null)
        {
            codecs.Add(compressor);
        }

        var metadata = new ArrayMetadata
        {
            Format = StorageFormat.ZarrV2,
            Shape = shape,
            ChunkShape = ArrayMetadata.ToChunkShape(chunks, where),
            DType = dtype,
            BigEndian = bigEndian,
            FillValue = FillValue.Parse(document["fill_value"], dtype, where),
            FillValueIsNull = document["fill_value"] is null,
            Codecs = CodecChain.Create(codecs),
            Separator = separator[0],
            FortranOrder = order == "F",
            Attributes = JsonDocuments.Read(store, StoreKey.Join(path, AttributesKey)) ?? [],
        };
        metadata.Validate(where);
        return metadata;
    }

    /// <summary>Writes <c>.zarray</c> and <c>.zattrs</c>, and <c>.zgroup</c> for every ancestor.</summary>
    public static void Write(IStore store, string path, ArrayMetadata metadata)
    {
        var compressor = metadata.Codecs.BytesToBytes.Count switch
        {
            0 => null,
            1 => CodecJson.ToNumcodecs(metadata.Codecs.BytesToBytes[0]),
            _ => throw new NotSupportedException("zarr v2 arrays have at most one compressor."),
        };
        var document = new JsonObject
        {
            ["chunks"] = new JsonArray([.. metadata.ChunkShape.Select(e => (JsonNode)e)]),
            ["compressor"] = compressor,
            ["dimension_separator"] = metadata.Separator.ToString(),
            ["dtype"] = DTypeCodes.Typestr(metadata.DType, metadata.BigEndian),
            ["fill_value"] = metadata.FillValueIsNull ? null : FillValue.ToJson(metadata.FillValue, metadata.DType),
            ["filters"] = null,
            ["order"] = metadata.FortranOrder ? "F" : "C",
            ["shape"] = new JsonArray([.. metadata.Shape.Select(e => (JsonNode)e)]),
            ["zarr_format"] = 2,
        };
        WriteGroups(store, path);
        JsonDocuments.Write(store, StoreKey.Join(path, ArrayKey), document);
        JsonDocuments.Write(store, StoreKey.Join(path, AttributesKey), metadata.Attributes.DeepClone());
    }

    /// <summary>The metadata of a new array.</summary>
    public static ArrayMetadata Create(ArrayOptions options)
    {
        if (options.Shards is not null || options.Codecs is not null)
        {
            throw new NotSupportedException("zarr v2 has no sharding and no codec lists; use zarr v3 (--zarr-format 3).");
        }

        List<ICodec> codecs = options.FortranOrder ? [TransposeCodec.FortranOrder(options.Shape.Length)] : [];
        codecs.Add(new BytesCodec(options.BigEndian));
        if (options.Compressor is not null)
        {
            _ = CodecJson.ToNumcodecs(options.Compressor);
            codecs.Add(options.Compressor);
        }

        return new ArrayMetadata
        {
            Format = StorageFormat.ZarrV2,
            Shape = options.Shape,
            ChunkShape = options.Chunks,
            DType = options.DType,
            BigEndian = options.BigEndian && options.DType.ItemSize() > 1,
            FillValue = FillValue.FromDouble(options.FillValue, options.DType),
            Codecs = CodecChain.Create(codecs),
            Separator = options.Separator ?? '.',
            FortranOrder = options.FortranOrder,
            Attributes = options.Attributes?.DeepClone().AsObject() ?? [],
        };
    }

    private static void WriteGroups(IStore store, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int depth = 0; depth < parts.Length; depth++)
        {
            string key = StoreKey.Join(string.Join('/', parts[..depth]), GroupKey);
            if (!store.Contains(key))
            {
                JsonDocuments.Write(store, key, new JsonObject { ["zarr_format"] = 2 });
            }
        }
    }
}
