using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;
using BioImage.Storage.Stores;

namespace BioImage.Storage.Metadata;

/// <summary>
/// Zarr v3 metadata (zarr-specs v3.0 core): <c>zarr.json</c> of arrays (regular chunk grid, default or v2 chunk key
/// encoding, codecs, fill_value, dimension_names, attributes) and groups. Unknown fields fail unless they say
/// <c>"must_understand": false</c>; storage transformers are refused.
/// </summary>
internal static class ZarrV3Format
{
    public const string MetadataKey = "zarr.json";

    private static readonly HashSet<string> KnownArrayFields =
        ["zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs", "attributes", "storage_transformers", "dimension_names"];

    /// <summary>The node document at <paramref name="path"/>, or null.</summary>
    public static JsonObject? ReadNode(IStore store, string path) => JsonDocuments.Read(store, StoreKey.Join(path, MetadataKey));

    /// <summary>The array at <paramref name="path"/>, or null when there is no zarr.json.</summary>
    /// <exception cref="InvalidDataException">The node is a group, or the metadata is invalid.</exception>
    public static ArrayMetadata? Read(IStore store, string path)
    {
        string key = StoreKey.Join(path, MetadataKey);
        var document = JsonDocuments.Read(store, key);
        if (document is null)
        {
            return null;
        }

        string where = JsonDocuments.Where(store, key);
        if (document["zarr_format"]?.ToJsonString() != "3")
        {
            throw new InvalidDataException($"{where}: zarr_format is {document["zarr_format"]?.ToJsonString() ?? "missing"}; expected 3.");
        }

        if (document["node_type"]?.GetValue<string>() != "array")
        {
            throw new InvalidDataException($"{where} describes a {document["node_type"]?.GetValue<string>() ?? "node without node_type"}, not an array; give the key of an array inside it.");
        }

        foreach (var (field, value) in document)
        {
            if (!KnownArrayFields.Contains(field) && !(value is JsonObject o && o["must_understand"]?.GetValue<bool>() == false))
            {
                throw new NotSupportedException($"{where}: unknown field '{field}' must be understood (it lacks \"must_understand\": false).");
            }
        }

        if (document["storage_transformers"] is JsonArray { Count: > 0 })
        {
            throw new NotSupportedException($"{where}: storage_transformers are not supported.");
        }

        string dataType = document["data_type"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : throw new NotSupportedException($"{where}: data_type {document["data_type"]?.ToJsonString() ?? "missing"} is not supported.");
        var dtype = DTypeCodes.ParseName(dataType, where);
        var grid = document["chunk_grid"] as JsonObject;
        if (grid?["name"]?.GetValue<string>() != "regular")
        {
            throw new NotSupportedException($"{where}: chunk_grid {grid?.ToJsonString() ?? "missing"} is not supported; only the 'regular' grid is.");
        }

        var encoding = document["chunk_key_encoding"] as JsonObject;
        string encodingName = encoding?["name"]?.GetValue<string>() ?? throw new InvalidDataException($"{where}: chunk_key_encoding is missing.");
        if (encodingName is not ("default" or "v2"))
        {
            throw new NotSupportedException($"{where}: chunk_key_encoding '{encodingName}' is not supported; expected 'default' or 'v2'.");
        }

        string separator = encoding["configuration"]?["separator"]?.GetValue<string>() ?? (encodingName == "default" ? "/" : ".");
        if (separator is not ("." or "/"))
        {
            throw new InvalidDataException($"{where}: chunk key separator '{separator}' is not '.' or '/'.");
        }

        var codecs = CodecJson.ChainFromV3(document["codecs"], where);
        var names = document["dimension_names"] is JsonArray list ? list.Select(n => n?.GetValue<string>()).ToArray() : null;
        var metadata = new ArrayMetadata
        {
            Format = StorageFormat.ZarrV3,
            Shape = CodecJson.LongList(document["shape"], $"{where}: shape"),
            ChunkShape = ArrayMetadata.ToChunkShape(CodecJson.LongList(grid["configuration"]?["chunk_shape"], $"{where}: chunk_shape"), where),
            DType = dtype,
            BigEndian = codecs.ArrayToBytes is BytesCodec { BigEndian: true },
            FillValue = document["fill_value"] is null
                ? throw new InvalidDataException($"{where}: fill_value is missing (zarr v3 requires one).")
                : FillValue.Parse(document["fill_value"], dtype, where),
            Codecs = codecs,
            Separator = separator[0],
            DefaultKeyEncoding = encodingName == "default",
            DimensionNames = names,
            Attributes = document["attributes"]?.DeepClone() as JsonObject ?? [],
        };
        metadata.Validate(where);
        return metadata;
    }

    /// <summary>Writes the array's zarr.json, and a group zarr.json for every ancestor that has none.</summary>
    public static void Write(IStore store, string path, ArrayMetadata metadata)
    {
        var document = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "array",
            ["shape"] = new JsonArray([.. metadata.Shape.Select(e => (JsonNode)e)]),
            ["data_type"] = metadata.DType.NumpyName(),
            ["chunk_grid"] = new JsonObject { ["name"] = "regular", ["configuration"] = new JsonObject { ["chunk_shape"] = new JsonArray([.. metadata.ChunkShape.Select(e => (JsonNode)e)]) } },
            ["chunk_key_encoding"] = new JsonObject { ["name"] = metadata.DefaultKeyEncoding ? "default" : "v2", ["configuration"] = new JsonObject { ["separator"] = metadata.Separator.ToString() } },
            ["fill_value"] = FillValue.ToJson(metadata.FillValue, metadata.DType),
            ["codecs"] = new JsonArray([.. metadata.Codecs.All.Select(c => (JsonNode)c.ToJson())]),
            ["attributes"] = metadata.Attributes.DeepClone(),
        };
        if (metadata.DimensionNames is not null)
        {
            document["dimension_names"] = new JsonArray([.. metadata.DimensionNames.Select(n => (JsonNode?)n)]);
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int depth = 0; depth < parts.Length; depth++)
        {
            string key = StoreKey.Join(string.Join('/', parts[..depth]), MetadataKey);
            if (!store.Contains(key))
            {
                JsonDocuments.Write(store, key, new JsonObject { ["zarr_format"] = 3, ["node_type"] = "group", ["attributes"] = new JsonObject() });
            }
        }

        JsonDocuments.Write(store, StoreKey.Join(path, MetadataKey), document);
    }

    /// <summary>The metadata of a new array: bytes (little-endian) + compressor, inside sharding_indexed when shards are given.</summary>
    public static ArrayMetadata Create(ArrayOptions options)
    {
        if (options.FortranOrder || options.BigEndian)
        {
            throw new NotSupportedException("For zarr v3, give the order and byte order as codecs (transpose, bytes endian) in ArrayOptions.Codecs.");
        }

        List<ICodec> inner = [new BytesCodec()];
        if (options.Compressor is not null)
        {
            // zarr v3 requires blosc's typesize whenever it shuffles.
            inner.Add(options.Compressor is BloscCodec { TypeSize: 0 } blosc ? blosc with { TypeSize = options.DType.ItemSize() } : options.Compressor);
        }

        var codecs = options.Codecs is not null ? CodecChain.Create(options.Codecs) : CodecChain.Create(inner);
        int[] objectShape = options.Chunks;
        if (options.Shards is { } shards)
        {
            if (shards.Length != options.Chunks.Length || shards.Where((s, axis) => s <= 0 || s % options.Chunks[axis] != 0).Any())
            {
                throw new ArgumentException($"shards [{string.Join(", ", shards)}] must be positive multiples of the chunks [{string.Join(", ", options.Chunks)}], one per axis.", nameof(options));
            }

            codecs = CodecChain.Create([new ShardingCodec(options.Chunks, codecs, CodecChain.Create([new BytesCodec(), new Crc32cCodec()]))]);
            objectShape = shards;
        }

        return new ArrayMetadata
        {
            Format = StorageFormat.ZarrV3,
            Shape = options.Shape,
            ChunkShape = objectShape,
            DType = options.DType,
            BigEndian = codecs.ArrayToBytes is BytesCodec { BigEndian: true },
            FillValue = FillValue.FromDouble(options.FillValue, options.DType),
            Codecs = codecs,
            Separator = options.Separator ?? (options.V2ChunkKeyEncoding ? '.' : '/'),
            DefaultKeyEncoding = !options.V2ChunkKeyEncoding,
            DimensionNames = options.DimensionNames,
            Attributes = options.Attributes?.DeepClone().AsObject() ?? [],
        };
    }
}
