using System.Text.Json.Serialization;

namespace BioImage.Sources;

/// <summary>The source-generated JSON metadata of source specs and their wrappers (see <see cref="CoreJson"/>).</summary>
[JsonSerializable(typeof(SourceSpec))]
[JsonSerializable(typeof(IReadOnlyList<WrapperSpec>))]
internal sealed partial class SourcesJsonContext : JsonSerializerContext;
