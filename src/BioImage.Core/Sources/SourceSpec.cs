using System.Text.Json.Serialization;

namespace BioImage.Sources;

/// <summary>
/// Plain, JSON-serializable description of a source: enough for a worker process on another node to reopen it
/// (<see cref="Source.Open(SourceSpec)"/>).
/// </summary>
/// <param name="Format">Format name, e.g. "npy", "zarr", "n5".</param>
/// <param name="Path">Absolute path of the file or container.</param>
/// <param name="Key">Dataset inside the container, or null when the path is the array.</param>
/// <param name="Mode">"r" read-only or "r+" read-write.</param>
public sealed record SourceSpec(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("mode")] string Mode);
