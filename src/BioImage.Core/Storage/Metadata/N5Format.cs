using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;
using BioImage.Storage.Stores;

namespace BioImage.Storage.Metadata;

/// <summary>
/// N5 metadata (spec 4.0.0): a dataset is a folder whose <c>attributes.json</c> holds <c>dimensions</c> and
/// <c>blockSize</c> (fastest axis first — reversed here to C order), <c>dataType</c> and <c>compression</c> (or the
/// legacy <c>compressionType</c>); every other key is a user attribute. N5 has no fill value: missing blocks read 0.
/// </summary>
internal static class N5Format
{
    public const string AttributesKey = "attributes.json";

    private static readonly string[] DatasetKeys = ["dimensions", "blockSize", "dataType", "compression", "compressionType"];

    /// <summary>The dataset at <paramref name="path"/>, or null when its attributes.json has no <c>dimensions</c>.</summary>
    public static ArrayMetadata? Read(IStore store, string path)
    {
        string key = StoreKey.Join(path, AttributesKey);
        var document = JsonDocuments.Read(store, key);
        if (document?["dimensions"] is null)
        {
            return null;
        }

        string where = JsonDocuments.Where(store, key);
        string dataType = document["dataType"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : throw new InvalidDataException($"{where}: dataType is missing.");
        var dtype = DTypeCodes.ParseName(dataType, where, allowBool: false);
        var compression = CodecJson.FromN5(document["compression"] ?? document["compressionType"], where);
        var attributes = (JsonObject)document.DeepClone();
        foreach (string datasetKey in DatasetKeys)
        {
            attributes.Remove(datasetKey);
        }

        var metadata = new ArrayMetadata
        {
            Format = StorageFormat.N5,
            Shape = CodecJson.LongList(document["dimensions"], $"{where}: dimensions").Reverse().ToArray(),
            ChunkShape = ArrayMetadata.ToChunkShape(CodecJson.LongList(document["blockSize"], $"{where}: blockSize").Reverse().ToArray(), where),
            DType = dtype,
            BigEndian = true,
            FillValue = new byte[dtype.ItemSize()],
            Codecs = CodecChain.Create([new N5BlockCodec(compression)]),
            Separator = '/',
            Attributes = attributes,
        };
        metadata.Validate(where);
        return metadata;
    }

    /// <summary>Writes the dataset's attributes.json (keeping user attributes) and the root's <c>"n5"</c> version.</summary>
    public static void Write(IStore store, string path, ArrayMetadata metadata)
    {
        var compression = ((N5BlockCodec)metadata.Codecs.ArrayToBytes).Compression;
        var document = metadata.Attributes.DeepClone().AsObject();
        document["dimensions"] = new JsonArray([.. metadata.Shape.Reverse().Select(e => (JsonNode)e)]);
        document["blockSize"] = new JsonArray([.. metadata.ChunkShape.Reverse().Select(e => (JsonNode)e)]);
        document["dataType"] = metadata.DType.NumpyName();
        document["compression"] = CodecJson.ToN5(compression);
        var root = JsonDocuments.Read(store, AttributesKey) ?? [];
        if (root["n5"] is null && path.Length > 0)
        {
            root["n5"] = "4.0.0";
            JsonDocuments.Write(store, AttributesKey, root);
        }
        else if (path.Length == 0)
        {
            document["n5"] = "4.0.0";
        }

        JsonDocuments.Write(store, StoreKey.Join(path, AttributesKey), document);
    }

    /// <summary>The metadata of a new dataset (numcodecs lz4 becomes N5's LZ4Block lz4).</summary>
    public static ArrayMetadata Create(ArrayOptions options)
    {
        if (options.Shards is not null || options.Codecs is not null || options.FortranOrder)
        {
            throw new NotSupportedException("N5 has no sharding, codec lists or Fortran order; give a single compressor.");
        }

        if (options.DType == DType.Bool)
        {
            throw new NotSupportedException("N5 has no bool dataType; use uint8.");
        }

        var compression = options.Compressor is Lz4Codec ? new N5Lz4Codec() : options.Compressor;
        _ = CodecJson.ToN5(compression);
        return new ArrayMetadata
        {
            Format = StorageFormat.N5,
            Shape = options.Shape,
            ChunkShape = options.Chunks,
            DType = options.DType,
            BigEndian = true,
            FillValue = new byte[options.DType.ItemSize()],
            Codecs = CodecChain.Create([new N5BlockCodec(compression)]),
            Separator = '/',
            Attributes = options.Attributes?.DeepClone().AsObject() ?? [],
        };
    }
}
