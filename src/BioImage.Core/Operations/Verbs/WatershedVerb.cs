using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>watershed</c> (bioimage-py's watershed): seeded watershed of a height map (first input) from seeds (second input)
/// block-wise with a halo; seed ids are kept, out-of-mask voxels are 0 (<see cref="WatershedOperation"/>).
/// </summary>
public sealed class WatershedVerb : Operation<Written>
{
    /// <summary>Halo and connectivity.</summary>
    public WatershedOperation Watershed { get; set; } = new();

    /// <summary>Integer element type of the output (default uint64).</summary>
    public DType DType { get; set; } = DType.UInt64;

    private int _rank;

    /// <inheritdoc />
    public override string Name => "watershed";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 2, Name);
        Watershed.Validate(inputs[0].Shape.Count, inputs[1].DType, DType);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _rank = run.Inputs[0].Shape.Count;
        run.Blocks(Watershed, run.Inputs, run.Outputs);
        return Written.Value;
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject Fields(Written result) => new() { ["halo"] = new System.Text.Json.Nodes.JsonArray([.. Watershed.GetHalo(_rank).Select(h => (System.Text.Json.Nodes.JsonNode)h)]) };

    /// <inheritdoc />
    public override string Describe(Written result) => $"connectivity {Watershed.Connectivity}, halo ({string.Join(", ", Watershed.GetHalo(_rank))})";
}
