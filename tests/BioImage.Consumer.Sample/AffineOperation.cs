using BioImage.Runners;
using CommunityToolkit.HighPerformance.Buffers;

namespace BioImage.Consumer.Sample;

/// <summary>
/// A user's block operation: output = input · <see cref="Scale"/> + <see cref="Offset"/> (float32), computed in a
/// pooled buffer of CommunityToolkit.HighPerformance, a package of this program only.
/// </summary>
public sealed class AffineOperation : BlockOperation
{
    public float Scale { get; set; } = 1;

    public float Offset { get; set; }

    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var inner = block.Block.Inner;
        var local = Region.FromShape(inner.Shape);
        using var data = NdArray<float>.Allocate(inner.GetShapeAsInt32(), clear: false);
        block.Inputs[0].Read(inner, RegionView.Of(data, local));
        using var result = MemoryOwner<float>.Allocate(data.Span.Length);
        for (int i = 0; i < result.Length; i++)
        {
            result.Span[i] = (data.Span[i] * Scale) + Offset;
        }

        result.Span.CopyTo(data.Span);
        block.Outputs[0].Write<float>(inner, RegionView.Of(data, local));
    }
}
