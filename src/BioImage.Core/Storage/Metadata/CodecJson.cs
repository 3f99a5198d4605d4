using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs;

namespace BioImage.Storage.Metadata;

/// <summary>
/// Codecs from and to their metadata forms: zarr v3 <c>{"name", "configuration"}</c>, numcodecs
/// <c>{"id", …}</c> (zarr v2 compressors) and N5 <c>{"type", …}</c> compression objects.
/// </summary>
internal static class CodecJson
{
    /// <summary>The codec chain of a v3 <c>codecs</c> list.</summary>
    public static CodecChain ChainFromV3(JsonNode? codecs, string where)
    {
        if (codecs is not JsonArray list || list.Count == 0)
        {
            throw new InvalidDataException($"{where}: 'codecs' must be a non-empty list.");
        }

        try
        {
            return CodecChain.Create(list.Select(node => FromV3(node, where)).ToList());
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"{where}: {error.Message}", error);
        }
    }

    /// <summary>One v3 codec (an object with name and configuration, or a bare name).</summary>
    public static ICodec FromV3(JsonNode? node, string where)
    {
        string name = node switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonObject o when o["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
            _ => throw new InvalidDataException($"{where}: codec {node?.ToJsonString()} has no name."),
        };
        var config = (node as JsonObject)?["configuration"] as JsonObject ?? [];
        string at = $"{where}: codec '{name}'";
        return name switch
        {
            "bytes" => new BytesCodec(String(config, "endian", "little", at) switch
            {
                "little" => false,
                "big" => true,
                var other => throw new InvalidDataException($"{at}: endian '{other}' is not 'little' or 'big'."),
            }),
            "transpose" => new TransposeCodec(IntList(config["order"], $"{at} order")),
            "crc32c" => new Crc32cCodec(),
            "gzip" or "numcodecs.gzip" => new DeflateCodec(Int(config, "level", 1, at)),
            "numcodecs.zlib" or "zlib" => new DeflateCodec(Int(config, "level", 1, at), Zlib: true),
            "zstd" or "numcodecs.zstd" => new ZstdCodec(Int(config, "level", 0, at), Bool(config, "checksum", false, at)),
            "numcodecs.lz4" or "lz4" => new Lz4Codec(Int(config, "acceleration", 1, at)),
            "numcodecs.blosc" => FromNumcodecs(new JsonObject(config.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).Append(KeyValuePair.Create("id", (JsonNode?)"blosc"))), at),
            "blosc" => new BloscCodec(
                String(config, "cname", "lz4", at),
                Int(config, "clevel", 5, at),
                String(config, "shuffle", "noshuffle", at) switch
                {
                    "noshuffle" => BloscShuffle.NoShuffle,
                    "shuffle" => BloscShuffle.Shuffle,
                    "bitshuffle" => BloscShuffle.BitShuffle,
                    var other => throw new InvalidDataException($"{at}: shuffle '{other}' is not noshuffle, shuffle or bitshuffle."),
                },
                Int(config, "typesize", 0, at),
                Int(config, "blocksize", 0, at)),
            "sharding_indexed" => new ShardingCodec(
                IntList(config["chunk_shape"], $"{at} chunk_shape"),
                ChainFromV3(config["codecs"], at),
                ChainFromV3(config["index_codecs"] ?? new JsonArray(new BytesCodec().ToJson(), new Crc32cCodec().ToJson()), $"{at} index_codecs"),
                String(config, "index_location", "end", at) switch
                {
                    "end" => true,
                    "start" => false,
                    var other => throw new InvalidDataException($"{at}: index_location '{other}' is not 'start' or 'end'."),
                }),
            _ => throw new NotSupportedException($"{where}: unknown codec '{name}'; supported: bytes, transpose, sharding_indexed, blosc, gzip, zstd, crc32c, numcodecs.lz4, numcodecs.zlib."),
        };
    }

    /// <summary>A zarr v2 compressor (numcodecs config).</summary>
    public static IBytesToBytesCodec FromNumcodecs(JsonObject config, string where)
    {
        string id = config["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new InvalidDataException($"{where}: compressor {config.ToJsonString()} has no 'id'.");
        string at = $"{where}: compressor '{id}'";
        return id switch
        {
            "blosc" => new BloscCodec(String(config, "cname", "lz4", at), Int(config, "clevel", 5, at), (BloscShuffle)Math.Clamp(Int(config, "shuffle", 1, at), -1, 2), 0, Int(config, "blocksize", 0, at)),
            "zstd" => new ZstdCodec(Int(config, "level", 1, at), Bool(config, "checksum", false, at)),
            "lz4" => new Lz4Codec(Int(config, "acceleration", 1, at)),
            "gzip" => new DeflateCodec(Int(config, "level", 1, at)),
            "zlib" => new DeflateCodec(Int(config, "level", 1, at), Zlib: true),
            _ => throw new NotSupportedException($"{where}: unknown compressor '{id}'; supported: blosc, zstd, lz4, gzip, zlib."),
        };
    }

    /// <summary>The numcodecs config of a compressor (as numcodecs' get_config writes it).</summary>
    public static JsonObject ToNumcodecs(IBytesToBytesCodec codec) => codec switch
    {
        BloscCodec b => new JsonObject { ["id"] = "blosc", ["blocksize"] = b.BlockSize, ["clevel"] = b.CLevel, ["cname"] = b.CName, ["shuffle"] = (int)b.Shuffle },
        ZstdCodec z => new JsonObject { ["id"] = "zstd", ["level"] = z.Level },
        Lz4Codec l => new JsonObject { ["id"] = "lz4", ["acceleration"] = l.Acceleration },
        DeflateCodec d => new JsonObject { ["id"] = d.Zlib ? "zlib" : "gzip", ["level"] = d.Level },
        _ => throw new NotSupportedException($"The codec '{codec.Name}' has no zarr v2 (numcodecs) form; use blosc, zstd, lz4, gzip or zlib."),
    };

    /// <summary>An N5 compression object; null for raw.</summary>
    public static IBytesToBytesCodec? FromN5(JsonNode? node, string where)
    {
        string type = node switch
        {
            null => "raw",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject o when o["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String => t.GetValue<string>(),
            _ => throw new InvalidDataException($"{where}: compression {node.ToJsonString()} has no 'type'."),
        };
        var config = node as JsonObject ?? [];
        string at = $"{where}: compression '{type}'";
        return type switch
        {
            "raw" => null,
            "gzip" => new DeflateCodec(Int(config, "level", -1, at) is var level && level < 0 ? 6 : level, Bool(config, "useZlib", false, at)),
            "zstd" => new ZstdCodec(Int(config, "level", 3, at)),
            "lz4" => new N5Lz4Codec(Int(config, "blockSize", 65536, at)),
            "blosc" => new BloscCodec(String(config, "cname", "blosclz", at), Int(config, "clevel", 6, at), (BloscShuffle)Math.Clamp(Int(config, "shuffle", 0, at), -1, 2), 0, Int(config, "blocksize", 0, at)),
            _ => throw new NotSupportedException($"{where}: unknown N5 compression '{type}'; supported: raw, gzip, zstd, lz4, blosc."),
        };
    }

    /// <summary>The N5 compression object of a compressor (null = raw).</summary>
    public static JsonObject ToN5(IBytesToBytesCodec? codec) => codec switch
    {
        null => new JsonObject { ["type"] = "raw" },
        DeflateCodec d => new JsonObject { ["type"] = "gzip", ["level"] = d.Level, ["useZlib"] = d.Zlib },
        ZstdCodec z => new JsonObject { ["type"] = "zstd", ["level"] = z.Level },
        N5Lz4Codec l => new JsonObject { ["type"] = "lz4", ["blockSize"] = l.BlockSize },
        Lz4Codec => new JsonObject { ["type"] = "lz4", ["blockSize"] = 65536 },
        BloscCodec b => new JsonObject { ["type"] = "blosc", ["cname"] = b.CName, ["clevel"] = b.CLevel, ["shuffle"] = (int)b.Shuffle, ["blocksize"] = b.BlockSize, ["nthreads"] = 1 },
        _ => throw new NotSupportedException($"The codec '{codec.Name}' has no N5 form; use raw, gzip, zstd, lz4 or blosc."),
    };

    /// <summary>A list of non-negative integers.</summary>
    public static int[] IntList(JsonNode? node, string where)
    {
        if (node is not JsonArray list)
        {
            throw new InvalidDataException($"{where} must be a list of integers; got {node?.ToJsonString() ?? "nothing"}.");
        }

        return list.Select(item => item is JsonValue v && v.TryGetValue(out long value) && value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new InvalidDataException($"{where}: {item?.ToJsonString()} is not an integer in [0, {int.MaxValue}].")).ToArray();
    }

    /// <summary>A list of long integers (may be negative: callers check and name the rule).</summary>
    public static long[] LongList(JsonNode? node, string where)
    {
        if (node is not JsonArray list)
        {
            throw new InvalidDataException($"{where} must be a list of integers; got {node?.ToJsonString() ?? "nothing"}.");
        }

        return list.Select(item => item is JsonValue v && v.TryGetValue(out long value)
            ? value
            : throw new InvalidDataException($"{where}: {item?.ToJsonString()} is not an integer.")).ToArray();
    }

    private static int Int(JsonObject config, string key, int fallback, string where) => config[key] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue(out int value) => value,
        var other => throw new InvalidDataException($"{where}: '{key}' {other.ToJsonString()} is not an integer."),
    };

    private static bool Bool(JsonObject config, string key, bool fallback, string where) => config[key] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue(out bool value) => value,
        var other => throw new InvalidDataException($"{where}: '{key}' {other.ToJsonString()} is not true or false."),
    };

    private static string String(JsonObject config, string key, string fallback, string where) => config[key] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue(out string? value) => value,
        var other => throw new InvalidDataException($"{where}: '{key}' {other.ToJsonString()} is not a string."),
    };
}
