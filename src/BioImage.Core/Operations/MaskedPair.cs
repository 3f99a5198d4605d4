using System.Numerics;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// The voxels of a block of two same-shape inputs (a segmentation and a ground truth) that lie inside the block's
/// mask, in C order — every voxel without a mask: the pairs the evaluation steps (contingency table, dice) count.
/// </summary>
/// <typeparam name="TFirst">The first input's element type.</typeparam>
/// <typeparam name="TSecond">The second input's element type.</typeparam>
internal sealed class MaskedPair<TFirst, TSecond> : IDisposable
    where TFirst : unmanaged, INumber<TFirst>
    where TSecond : unmanaged, INumber<TSecond>
{
    private readonly NdArray<TFirst> _first;
    private readonly NdArray<TSecond> _second;
    private readonly int _kept;

    private MaskedPair(NdArray<TFirst> first, NdArray<TSecond> second, int kept)
    {
        _first = first;
        _second = second;
        _kept = kept;
    }

    /// <summary>The first input's values inside the mask.</summary>
    public Span<TFirst> First => _first.Span[.._kept];

    /// <summary>The second input's values at the same voxels.</summary>
    public Span<TSecond> Second => _second.Span[.._kept];

    /// <summary>Reads the block's inner region of inputs 0 and 1 and keeps the voxels inside its mask.</summary>
    public static MaskedPair<TFirst, TSecond> Read(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var region = block.Block.Inner;
        var first = BlockData.Read<TFirst>(block.Inputs[0], region);
        var second = BlockData.Read<TSecond>(block.Inputs[1], region);
        int kept = first.Length;
        if (block.Mask is not null)
        {
            var inside = MaskFlags.Read(block.Mask, region);
            kept = MaskFlags.Compact(first.Span, inside);
            MaskFlags.Compact(second.Span, inside);
        }

        return new MaskedPair<TFirst, TSecond>(first, second, kept);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
