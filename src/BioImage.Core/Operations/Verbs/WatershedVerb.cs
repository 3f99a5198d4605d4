using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>watershed</c> (bioimage-py's watershed): seeded watershed of a height map (first input) from seeds (second input)
/// block-wise with a halo; seed ids are kept, out-of-mask voxels are 0 (<see cref="WatershedOperation"/>).
/// </summary>
public sealed class WatershedVerb : HaloVerb
{
    /// <summary>Halo and connectivity.</summary>
    public WatershedOperation Watershed { get; set; } = new();

    /// <summary>Integer element type of the output (default uint64).</summary>
    public DType DType { get; set; } = DType.UInt64;

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
    protected override BlockOperation Step => Watershed;

    /// <inheritdoc />
    protected override string Summary => $"connectivity {Watershed.Connectivity}, ";
}
