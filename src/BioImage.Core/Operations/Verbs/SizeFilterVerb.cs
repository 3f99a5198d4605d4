using System.Globalization;
using System.Text.Json.Nodes;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>size-filter</c> (bioimage-py's size_filter): pass 1 the block-wise labels and their sizes, then labels smaller
/// than <see cref="MinSize"/> or larger than <see cref="MaxSize"/> (bounds inclusive) map to 0 and, with
/// <see cref="Relabel"/>, the survivors to 1..K; pass 2 writes the mapped labels. A mask restricts both passes.
/// </summary>
public sealed class SizeFilterVerb : Operation<SizeFilterResult>
{
    /// <summary>Smallest size kept; null: no lower bound.</summary>
    public long? MinSize { get; set; }

    /// <summary>Largest size kept; null: no upper bound.</summary>
    public long? MaxSize { get; set; }

    /// <summary>Renumber the surviving nonzero labels 1..K.</summary>
    public bool Relabel { get; set; } = true;

    /// <summary>Integer element type of the output; null: the input's.</summary>
    public DType? DType { get; set; }

    /// <inheritdoc />
    public override string Name => "size-filter";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ["unique", "relabel"];

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        VerbInputs.RequireIntegerOutput(DType, Name);
        if (MinSize is null && MaxSize is null)
        {
            throw new ArgumentException("size_filter needs a minimum size (--min-size), a maximum size (--max-size) or both.");
        }

        if (MinSize is < 0 || MaxSize is < 0)
        {
            throw new ArgumentException($"--min-size and --max-size must be at least 0; got {MinSize?.ToString(CultureInfo.InvariantCulture) ?? "none"} and {MaxSize?.ToString(CultureInfo.InvariantCulture) ?? "none"}.");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType ?? inputs[0].DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override SizeFilterResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Inputs[0].DType.DispatchInteger(new Relabeling.SizeFilterRun(run, MinSize, MaxSize, Relabel), "size_filter's input");
    }

    /// <inheritdoc />
    public override JsonObject Fields(SizeFilterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["labels"] = result.Mapping.Count,
            ["maxLabel"] = result.Mapping.MaxLabel,
            ["kept"] = result.Kept,
            ["removed"] = result.Removed,
            ["minSize"] = MinSize,
            ["maxSize"] = MaxSize,
        };
    }

    /// <inheritdoc />
    public override string Describe(SizeFilterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"kept {result.Kept} objects, removed {result.Removed}, largest new label {result.Mapping.MaxLabel}");
    }
}
