using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>distance-transform</c> (bioimage-py's distance_transform): the exact Euclidean distance of every foreground
/// voxel to the nearest background voxel, block-wise with a halo (exact where the distance is below the halo), into
/// float32 or float64 distances (<see cref="DistanceTransformOperation"/>).
/// </summary>
public sealed class DistanceTransformVerb : HaloVerb
{
    /// <summary>Halo and sampling.</summary>
    public DistanceTransformOperation Transform { get; set; } = new();

    /// <summary>float32 (default) or float64 distances.</summary>
    public DType DType { get; set; } = DType.Float32;

    /// <inheritdoc />
    public override string Name => "distance-transform";

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        Transform.Validate(inputs[0].Shape.Count, DType);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    protected override BlockOperation Step => Transform;
}
