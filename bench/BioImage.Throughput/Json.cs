using System.Text.Json;

namespace BioImage.Throughput;

/// <summary>The JSON conventions of the harness: snake_case names, as the Python side reads them.</summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
    };
}
