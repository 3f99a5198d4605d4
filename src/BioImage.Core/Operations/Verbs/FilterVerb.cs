using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>filter NAME</c> (bioimage-py's apply_filter): a Gaussian filter with halos equal to the kernel radius, so the
/// result equals the whole-volume filter (<see cref="GaussianFilterOperation"/>). The output is float32 (float64 for
/// float64 input); the eigenvalue filters write a leading channel axis unless a return channel is picked.
/// </summary>
public sealed class FilterVerb : HaloVerb
{
    /// <summary>The filter and its parameters.</summary>
    public GaussianFilterOperation Filter { get; set; } = new();

    /// <inheritdoc />
    public override string Name => "filter";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        Filter.Validate(inputs[0].Shape.Count);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var input = inputs[0];
        long[] shape = Filter.OutputShape(input.Shape);
        bool channels = shape.Length > input.Shape.Count;
        IReadOnlyList<long>? chunks = channels && input.Chunks is { } c ? [1, .. c] : input.Chunks;
        return [new ArrayLayout(shape, GaussianFilterOperation.OutputDType(input.DType), chunks, AxesOf: channels ? "the output (channel first)" : "the input")];
    }

    /// <inheritdoc />
    protected override BlockOperation Step => Filter;

    /// <inheritdoc />
    protected override string Summary => $"{Filter.Filter} σ ({string.Join(", ", Filter.Sigma)}), ";
}
