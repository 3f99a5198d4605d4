using System.CommandLine;
using System.Text.Json.Nodes;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage info PATH [--key K] [--json]</c>: what an array is — format, shape, dtype, chunks (and shards),
/// codecs, fill value, dimension names and attributes; for a group, the arrays inside it.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A .npy file, or a Zarr (v2/v3) or N5 container or array folder." };
        var key = new Option<string?>("--key") { Description = "Array inside the container; omit when PATH is the array itself.", HelpName = "K" };
        var json = CommonOptions.Json();
        var command = new Command("info", "Show format, shape, dtype, chunks/shards, codecs and attributes of an array (or list the arrays of a group).") { path, key, json };
        command.SetAction(parse =>
        {
            string target = parse.GetRequiredValue(path);
            var info = Describe(target, parse.GetValue(key));
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                writer.WriteLine(info.ToJsonString());
            }
            else
            {
                Print(info, writer);
            }

            return BioImageCommand.Success;
        });
        return command;
    }

    private static JsonObject Describe(string path, string? key)
    {
        if (File.Exists(path) && path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var header = NpyFile.ReadHeader(path);
            return new JsonObject
            {
                ["path"] = Path.GetFullPath(path),
                ["format"] = "npy",
                ["shape"] = new JsonArray([.. header.Shape.Select(e => (JsonNode)e)]),
                ["dtype"] = header.DType.NumpyName(),
                ["byteOrder"] = header.IsBigEndian ? "big" : "little",
            };
        }

        if (!Directory.Exists(path) && !File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.");
        }

        string extension = Path.GetExtension(path.TrimEnd('/'));
        if (File.Exists(path) || !(extension.Equals(".zarr", StringComparison.OrdinalIgnoreCase) || extension.Equals(".n5", StringComparison.OrdinalIgnoreCase)))
        {
            return SourceInfo.Describe(Source.Open(path, key)); // TIFF, HDF5, MRC, NIfTI, slice folders
        }

        var store = new FileSystemStore(path);
        string normalized = key?.Trim('/') ?? string.Empty;
        ChunkedArray array;
        try
        {
            array = ChunkedArray.Open(store, normalized);
        }
        catch (FileNotFoundException) when (ChunkedArray.ListArrays(store, normalized).Any())
        {
            return new JsonObject
            {
                ["path"] = Path.GetFullPath(path),
                ["key"] = normalized,
                ["format"] = "group",
                ["arrays"] = new JsonArray([.. ChunkedArray.ListArrays(store, normalized).Select(a => (JsonNode)a)]),
            };
        }

        var metadata = array.Metadata;
        var info = new JsonObject
        {
            ["path"] = Path.GetFullPath(path),
            ["key"] = array.Path,
            ["format"] = metadata.Format switch { StorageFormat.ZarrV2 => "zarr v2", StorageFormat.ZarrV3 => "zarr v3", _ => "n5" },
            ["shape"] = new JsonArray([.. metadata.Shape.Select(e => (JsonNode)e)]),
            ["dtype"] = metadata.DType.NumpyName(),
            ["byteOrder"] = metadata.DType.ItemSize() == 1 ? "none" : metadata.BigEndian ? "big" : "little",
            ["chunks"] = new JsonArray([.. (metadata.InnerChunkShape ?? metadata.ChunkShape).Select(e => (JsonNode)e)]),
            ["shards"] = metadata.InnerChunkShape is null ? null : new JsonArray([.. metadata.ChunkShape.Select(e => (JsonNode)e)]),
            ["codecs"] = new JsonArray([.. metadata.Codecs.All.Select(c => (JsonNode)c.ToJson())]),
            ["fillValue"] = metadata.FillValueIsNull ? null : metadata.FillValueToJson(),
            ["chunkKey"] = array.ChunkKey(new long[metadata.Rank]),
            ["dimensionNames"] = metadata.DimensionNames is null ? null : new JsonArray([.. metadata.DimensionNames.Select(n => (JsonNode?)n)]),
            ["attributes"] = metadata.Attributes.DeepClone(),
        };
        return info;
    }

    private static void Print(JsonObject info, TextWriter writer)
    {
        writer.WriteLine($"{info["path"]}{(info["key"]?.GetValue<string>() is { Length: > 0 } k ? $" [{k}]" : string.Empty)}");
        foreach (var (name, value) in info)
        {
            if (name is "path" or "key" || value is null)
            {
                continue;
            }

            string text = value switch
            {
                JsonArray list when name == "codecs" => string.Join(" → ", list.Select(c => c!.ToJsonString())),
                JsonArray list when name == "arrays" => string.Join(", ", list.Select(a => a!.GetValue<string>())),
                JsonArray list => string.Join(", ", list.Select(e => e?.ToJsonString() ?? "null")),
                JsonValue v when v.TryGetValue(out string? s) => s,
                _ => value.ToJsonString(),
            };
            writer.WriteLine($"  {name,-15}{text}");
        }
    }
}
