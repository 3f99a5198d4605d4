using System.Numerics;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>Reads a mask region of any dtype as flags: true where the mask is non-zero.</summary>
internal static class MaskFlags
{
    public static bool[] Read(ISource mask, Region region) => mask.DType.Dispatch(new ReadAsFlags(mask, region));

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
