using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage.Stores;

namespace BioImage.Storage.Metadata;

/// <summary>Reads and writes the JSON metadata documents of the formats (4-space indent, as zarr-python writes them).</summary>
internal static class JsonDocuments
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4 };

    /// <summary>The JSON object stored under <paramref name="key"/>, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The object is not valid JSON or not a JSON object (naming the key).</exception>
    public static JsonObject? Read(IStore store, string key)
    {
        var bytes = store.Get(key);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new InvalidDataException($"{Where(store, key)} is not a JSON object.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{Where(store, key)} is not valid JSON: {error.Message}", error);
        }
    }

    /// <summary>Stores <paramref name="document"/> under <paramref name="key"/> (atomic, like every store write).</summary>
    public static void Write(IStore store, string key, JsonNode document) => store.Set(key, Encoding.UTF8.GetBytes(document.ToJsonString(Indented) + "\n"));

    /// <summary>How error messages name a stored object: the store's location and the key.</summary>
    public static string Where(IStore store, string key) => $"{store.Location.TrimEnd('/')}/{key}";
}
