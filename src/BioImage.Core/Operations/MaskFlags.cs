using System.Numerics;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Masked block writes: reads a mask region of any dtype as flags (true where the mask is non-zero), and puts the
/// output's current values back outside the mask so that writing a block leaves out-of-mask voxels untouched.
/// </summary>
internal static class MaskFlags
{
    public static bool[] Read(ISource mask, Region region) => mask.DType.Dispatch(new ReadAsFlags(mask, region));

    /// <summary>Moves the values where <paramref name="inside"/> is set to the front (C order kept); returns how many there are.</summary>
    public static int Compact<T>(Span<T> values, bool[] inside)
    {
        int kept = 0;
        for (int i = 0; i < inside.Length; i++)
        {
            if (inside[i])
            {
                values[kept++] = values[i];
            }
        }

        return kept;
    }

    /// <summary>
    /// Replaces the values of <paramref name="values"/> outside <paramref name="mask"/> with what <paramref name="output"/>
    /// holds there now. <paramref name="values"/> covers <paramref name="target"/>: the mask's <paramref name="region"/>,
    /// optionally behind leading (channel) axes, over which the same flags repeat. O(target voxels), one read of the
    /// output region.
    /// </summary>
    public static void KeepOutside<T>(ISource mask, Region region, ISource output, Region target, NdArray<T> values)
        where T : unmanaged, INumber<T>
    {
        var inside = Read(mask, region);
        if (Array.TrueForAll(inside, flag => flag))
        {
            return;
        }

        using var previous = NdArray<T>.Allocate(values.Shape, clear: false);
        output.Read(target, BlockData.Folded(previous).Span);
        var span = values.Span;
        var old = previous.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = inside[i % inside.Length] ? span[i] : old[i];
        }
    }

    private sealed class ReadAsFlags(ISource mask, Region region) : IDTypeFunc<bool[]>
    {
        public bool[] Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var values = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
            mask.Read(region, RegionView.Of(values, Region.FromShape(region.Shape)));
            var flags = new bool[values.Length];
            for (int i = 0; i < flags.Length; i++)
            {
                flags[i] = values.Span[i] != T.Zero;
            }

            return flags;
        }
    }
}
