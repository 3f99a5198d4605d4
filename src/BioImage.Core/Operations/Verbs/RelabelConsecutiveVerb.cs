using System.Globalization;
using System.Text.Json.Nodes;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>relabel-consecutive</c> (bioimage-py's relabel_consecutive): pass 1 the block-wise distinct labels, then the
/// sorted labels (0 included) map to <see cref="StartLabel"/>, <see cref="StartLabel"/> + 1, … (a present 0 stays 0
/// with <see cref="KeepZeros"/>), pass 2 writes the mapped labels. A mask restricts both passes.
/// </summary>
public sealed class RelabelConsecutiveVerb : Operation<LabelMapping>
{
    /// <summary>The first new label.</summary>
    public long StartLabel { get; set; }

    /// <summary>A present 0 maps to 0.</summary>
    public bool KeepZeros { get; set; } = true;

    /// <summary>Integer element type of the output; null: the input's.</summary>
    public DType? DType { get; set; }

    /// <inheritdoc />
    public override string Name => "relabel-consecutive";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ["unique", "relabel"];

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        VerbInputs.RequireIntegerOutput(DType, Name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType ?? inputs[0].DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override LabelMapping Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Inputs[0].DType.DispatchInteger(new Relabeling.ConsecutiveRun(run, StartLabel, KeepZeros), "relabel_consecutive's input");
    }

    /// <inheritdoc />
    public override JsonObject Fields(LabelMapping result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject { ["labels"] = result.Count, ["maxLabel"] = result.MaxLabel };
    }

    /// <inheritdoc />
    public override string Describe(LabelMapping result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"{result.Count} labels, largest new label {result.MaxLabel}");
    }
}
