using System.Numerics;
using BioImage.Samples;

namespace BioImage.Benchmarks;

/// <summary>
/// The seeded inputs every benchmark and the peer harness use: <see cref="SyntheticVolume"/> (Gaussian blobs of
/// amplitude 100 on a background of 20 with N(0, 10²) noise, bit-identical on every machine; integer types rounded
/// and clipped).
/// </summary>
internal static class SampleVolumes
{
    /// <summary>Seed of every sample volume; changing it changes every benchmark's input.</summary>
    public const int Seed = 42;

    /// <summary>The threshold of the threshold benchmarks: 3 noise σ above the background of 20, inside the blobs.</summary>
    public const int Threshold = 50;

    /// <summary>
    /// The region of interest of the region-copy benchmarks: the volume without a margin of 1/8 of each extent on
    /// every side, so every row is a strided piece of a longer row.
    /// </summary>
    public static (int[] Begin, int[] Extent) InteriorRegion(ReadOnlySpan<int> shape)
    {
        var begin = new int[shape.Length];
        var extent = new int[shape.Length];
        for (int axis = 0; axis < shape.Length; axis++)
        {
            begin[axis] = shape[axis] / 8;
            extent[axis] = shape[axis] - (2 * begin[axis]);
        }

        return (begin, extent);
    }

    /// <summary>The sample volume of <paramref name="shape"/> (z, y, x) as <typeparamref name="T"/>.</summary>
    public static NdArray<T> Create<T>(ReadOnlySpan<int> shape)
        where T : unmanaged, INumber<T> => SyntheticVolume.Generate<T>(shape, seed: Seed);
}
