using System.Globalization;
using System.Text.Json.Nodes;

namespace BioImage.Operations;

/// <summary>What a run of an operation reports, the same for every verb, in text and as JSON.</summary>
/// <param name="Operation">The verb.</param>
/// <param name="Inputs">Each input read.</param>
/// <param name="Outputs">Each output written.</param>
/// <param name="Result">The operation's typed result (<see cref="Written"/> when it only writes arrays).</param>
/// <param name="ResultFields">The result as report fields.</param>
/// <param name="ResultText">The result in words (may be empty).</param>
/// <param name="Passes">The passes run (or replayed, on a resume).</param>
/// <param name="ResumedFrom">The run folder a resume or reattach finished; null for a run from the start.</param>
/// <param name="Seconds">Wall-clock seconds of the whole run.</param>
public sealed record OperationReport(
    string Operation,
    IReadOnlyList<ArrayReport> Inputs,
    IReadOnlyList<ArrayReport> Outputs,
    object? Result,
    JsonObject ResultFields,
    string ResultText,
    IReadOnlyList<string> Passes,
    string? ResumedFrom,
    double Seconds)
{
    /// <summary>Every field as one JSON object: operation, inputs, outputs, the result's fields, passes, resumedFrom, seconds.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["operation"] = Operation,
            ["inputs"] = new JsonArray([.. Inputs.Select(i => (JsonNode)i.ToJson())]),
            ["outputs"] = new JsonArray([.. Outputs.Select(o => (JsonNode)o.ToJson())]),
        };
        foreach (var (name, value) in ResultFields)
        {
            json[name] = value?.DeepClone();
        }

        json["passes"] = new JsonArray([.. Passes.Select(p => (JsonNode)JsonValue.Create(p)!)]);
        json["resumedFrom"] = ResumedFrom;
        json["seconds"] = Math.Round(Seconds, 3);
        return json;
    }

    /// <summary>One line: the verb, inputs → outputs (dtype, shape, chunks), the result in words, the time.</summary>
    public string ToText()
    {
        var text = new System.Text.StringBuilder(Operation).Append(' ').AppendJoin(", ", Inputs.Select(i => i.Key is null ? i.Path : $"{i.Path}/{i.Key}"));
        if (Outputs.Count > 0)
        {
            text.Append(" → ").AppendJoin(", ", Outputs.Select(o => o.ToText()));
        }

        if (ResultText.Length > 0)
        {
            text.Append(": ").Append(ResultText);
        }

        if (ResumedFrom is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (finished the run kept in {ResumedFrom})");
        }

        return text.Append(CultureInfo.InvariantCulture, $" in {Math.Round(Seconds, 3)} s").ToString();
    }
}

/// <summary>One input or output of a run.</summary>
/// <param name="Path">File or container.</param>
/// <param name="Key">Array inside the container, or null.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="DType">Its dtype (numpy name).</param>
/// <param name="Chunks">Its chunks, or null when unchunked.</param>
public sealed record ArrayReport(string Path, string? Key, IReadOnlyList<long> Shape, string DType, IReadOnlyList<long>? Chunks)
{
    /// <summary>The array of a source (its spec's path and key; "(in memory)" without a spec).</summary>
    public static ArrayReport Of(Sources.ISource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ArrayReport(source.Spec?.Path ?? "(in memory)", source.Spec?.Key, [.. source.Shape], source.DType.NumpyName(), source.Chunks is null ? null : [.. source.Chunks]);
    }

    /// <summary>The array as a JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["path"] = Path,
        ["key"] = Key,
        ["shape"] = new JsonArray([.. Shape.Select(e => (JsonNode)e)]),
        ["dtype"] = DType,
        ["chunks"] = Chunks is null ? null : new JsonArray([.. Chunks.Select(e => (JsonNode)e)]),
    };

    /// <summary>"path[/key] dtype (shape)".</summary>
    public string ToText() => $"{Path}{(Key is null ? string.Empty : "/" + Key)} {DType} ({string.Join(", ", Shape)})";
}
