using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>dt-watershed</c> (elf's distance_transform_watershed): per block, threshold, distance transform, seeds from its
/// smoothed maxima and a watershed, with a halo; ids are unique per block (block id · block voxels + local id), uint64
/// (<see cref="DistanceTransformWatershedOperation"/>).
/// </summary>
public sealed class DistanceTransformWatershedVerb : HaloVerb
{
    /// <summary>Halo and the kernel's parameters (the id stride is set from the block shape when the run starts).</summary>
    public DistanceTransformWatershedOperation Segmentation { get; set; } = new();

    /// <inheritdoc />
    public override string Name => "dt-watershed";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        _ = Segmentation.GetHalo(inputs[0].Shape.Count);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType.UInt64, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    protected override BlockOperation Step => Segmentation;

    /// <inheritdoc />
    protected override void Prepare(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var shape = run.Inputs[0].Shape;
        Segmentation.IdStride = run.Options.BlockShape!.Zip(shape, Math.Min).Aggregate(1L, (product, extent) => checked(product * Math.Max(extent, 1)));
    }
}
