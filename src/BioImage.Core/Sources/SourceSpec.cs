using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioImage.Sources;

/// <summary>
/// Plain, JSON-serializable description of a source: enough for a worker process on another node to reopen it
/// (<see cref="Source.Open(SourceSpec)"/>).
/// </summary>
/// <remarks>
/// JSON shape: <c>{"format": "tiff", "path": "/abs/stack.tif", "key": null, "mode": "r", "wrappers": [{"name":
/// "roi", "parameters": {"begin": [0, 8, 8], "end": [4, 40, 40]}}, {"name": "threshold", "parameters":
/// {"threshold": 128}}]}</c>. <c>wrappers</c> is optional (absent = none) and lists the wrappers applied to the
/// opened array, innermost first; see <see cref="Wrappers.SourceWrappers"/> for the names and parameters.
/// </remarks>
/// <param name="Format">Format name, e.g. "npy", "zarr", "n5", "tiff", "folder", "hdf5", "mrc", "nifti".</param>
/// <param name="Path">Absolute path of the file, folder or container.</param>
/// <param name="Key">Dataset inside the container (glob pattern for "folder"), or null when the path is the array.</param>
/// <param name="Mode">"r" read-only or "r+" read-write.</param>
public sealed record SourceSpec(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("mode")] string Mode)
{
    /// <summary>Wrappers applied to the opened array, innermost first; null for none.</summary>
    [JsonPropertyName("wrappers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WrapperSpec>? Wrappers { get; init; }

    /// <inheritdoc />
    public bool Equals(SourceSpec? other) =>
        other is not null && Format == other.Format && Path == other.Path && Key == other.Key && Mode == other.Mode
        && (Wrappers ?? []).SequenceEqual(other.Wrappers ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Format, Path, Key, Mode, Wrappers?.Count ?? 0);
}

/// <summary>One wrapper of a <see cref="SourceSpec"/>: its registered name and its parameters as JSON values.</summary>
/// <param name="Name">Wrapper name: "threshold", "normalize", "roi", "pad", "expand_dims", "resized".</param>
/// <param name="Parameters">Named parameters (numbers, strings, arrays of numbers).</param>
public sealed record WrapperSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, JsonElement> Parameters)
{
    /// <inheritdoc />
    public bool Equals(WrapperSpec? other) =>
        other is not null && Name == other.Name && Parameters.Count == other.Parameters.Count
        && Parameters.All(p => other.Parameters.TryGetValue(p.Key, out var value) && value.GetRawText() == p.Value.GetRawText());

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Parameters.Count);

    /// <summary>A parameter, deserialized; throws naming the wrapper when it is missing or of the wrong type.</summary>
    public T Get<T>(string name)
    {
        try
        {
            return Parameters.TryGetValue(name, out var value) && value.Deserialize(CoreJson.Plain.Info<T>()) is { } parsed
                ? parsed
                : throw new ArgumentException($"Wrapper '{Name}' needs the parameter '{name}'.", nameof(name));
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"Wrapper '{Name}': parameter '{name}' is not a {typeof(T).Name}: {error.Message}", nameof(name), error);
        }
    }

    /// <summary>Builds a spec from name/value pairs.</summary>
    public static WrapperSpec Of(string name, params (string Name, object Value)[] parameters) =>
        new(name, parameters.ToDictionary(p => p.Name, p => JsonSerializer.SerializeToElement(p.Value, CoreJson.Plain.Info(p.Value.GetType()))));
}
