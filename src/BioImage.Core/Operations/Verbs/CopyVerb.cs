using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>copy</c> (bioimage-py's copy): writes the input — any source, including wrapped ones (threshold, resized,
/// roi, …), whose spec carries the wrappers — block by block into an output of the input's shape, converting to
/// <see cref="DType"/> as numpy's <c>astype</c> does (<see cref="CopyOperation"/>). With a mask, voxels outside it
/// keep the output's previous value. A new output gets the input's chunks and (Zarr/N5) attributes.
/// </summary>
public sealed class CopyVerb : Operation<Written>
{
    /// <summary>Element type of the output; null: the input's.</summary>
    public DType? DType { get; set; }

    /// <inheritdoc />
    public override string Name => "copy";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs) => VerbInputs.Require(inputs, 1, Name);

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var input = inputs[0];
        return [new ArrayLayout(input.Shape, DType ?? input.DType, input.Chunks, (input as ChunkedSource)?.Array.Metadata.Attributes)];
    }

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Blocks(new CopyOperation(), run.Inputs, run.Outputs);
        return Written.Value;
    }
}
