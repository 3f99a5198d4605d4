using System.Text.Json.Serialization;

namespace BioImage.Operations;

/// <summary>The source-generated JSON metadata of run records and of the result of operations that only write (see <see cref="CoreJson"/>).</summary>
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(Written))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;
