using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BioImage.Runners;

namespace BioImage.Operations;

/// <summary>
/// A verb of one pass that runs one block step with a halo over its inputs into its outputs (filters, distance
/// transform, watersheds); its report gives the halo per axis.
/// </summary>
public abstract class HaloVerb : Operation<Written>
{
    private int _rank;

    /// <summary>The step every block runs.</summary>
    [JsonIgnore]
    protected abstract BlockOperation Step { get; }

    /// <summary>What the text report says before the halo (e.g. "connectivity 1, "); empty by default.</summary>
    [JsonIgnore]
    protected virtual string Summary => string.Empty;

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _rank = run.Inputs[0].Shape.Count;
        Prepare(run);
        run.Blocks(Step, run.Inputs, run.Outputs);
        return Written.Value;
    }

    /// <inheritdoc />
    public override JsonObject Fields(Written result) => new() { ["halo"] = new JsonArray([.. Step.GetHalo(_rank).Select(h => (JsonNode)h)]) };

    /// <inheritdoc />
    public override string Describe(Written result) => $"{Summary}halo ({string.Join(", ", Step.GetHalo(_rank))})";

    /// <summary>Sets what the step needs from the run before its blocks start (nothing by default).</summary>
    protected virtual void Prepare(OperationRun run)
    {
    }
}
