using System.Numerics;

namespace BioImage.Samples;

/// <summary>
/// A deterministic synthetic 3D volume for the demo, tests and benchmarks: bright Gaussian blobs on a dark
/// background plus Gaussian noise — roughly what a light-microscopy nucleus stain looks like.
/// </summary>
/// <remarks>
/// The same (shape, blob count, seed) gives bit-identical voxels on every machine: blob parameters come from
/// <see cref="Random"/> with a fixed seed (its seeded algorithm is stable), the noise from a counter-based hash of
/// the voxel index (SplitMix64), so planes can be generated in parallel in any order.
/// </remarks>
public static class SyntheticVolume
{
    /// <summary>Blob amplitude above the background.</summary>
    public const float BlobAmplitude = 100f;

    /// <summary>Standard deviation of the additive noise.</summary>
    public const float NoiseSigma = 10f;

    /// <summary>Background level, so that integer volumes keep most of the noise above zero.</summary>
    public const float Background = 20f;

    /// <summary>
    /// Generates a volume of <paramref name="shape"/> (z, y, x) with <paramref name="blobCount"/> blobs.
    /// Integer element types get the values rounded to nearest and clipped to their range.
    /// </summary>
    public static NdArray<T> Generate<T>(ReadOnlySpan<int> shape, int blobCount = 40, int seed = 42)
        where T : unmanaged, INumber<T>
    {
        if (shape.Length != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1)
        {
            throw new ArgumentException($"shape must have three positive extents (z, y, x); got ({string.Join(", ", shape.ToArray())}).", nameof(shape));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(blobCount);
        var blobs = CreateBlobs(shape, blobCount, seed);
        var volume = NdArray<T>.Allocate(shape, clear: false);
        int depth = shape[0], height = shape[1], width = shape[2];
        Parallel.For(0, depth, z =>
        {
            var view = volume.AsSpan3D();
            Span<int> nearby = stackalloc int[blobs.Length];
            for (int y = 0; y < height; y++)
            {
                int count = NearbyBlobs(blobs, z, y, nearby);
                var row = view.GetRowSpan(z, y);
                for (int x = 0; x < width; x++)
                {
                    ulong index = (ulong)((((long)z * height) + y) * width) + (ulong)x;
                    float value = Background + Intensity(blobs, nearby[..count], z, y, x) + (NoiseSigma * StandardNormal(index, (ulong)seed));
                    row[x] = T.CreateSaturating(typeof(T) == typeof(float) || typeof(T) == typeof(double) ? value : MathF.Round(value));
                }
            }
        });
        return volume;
    }

    /// <summary>Blobs are cut off where exp(-r²/2σ²) drops below exp(-12.5), i.e. beyond 5σ.</summary>
    private const float CutoffExponent = 12.5f;

    private readonly record struct Blob(float Z, float Y, float X, float InverseTwoSigmaSquared);

    private static Blob[] CreateBlobs(ReadOnlySpan<int> shape, int count, int seed)
    {
#pragma warning disable CA5394 // Deterministic sample data, not security.
        var random = new Random(seed);
        var blobs = new Blob[count];
        float minExtent = Math.Min(shape[0], Math.Min(shape[1], shape[2]));
        for (int i = 0; i < count; i++)
        {
            float sigma = minExtent * (0.02f + (0.04f * random.NextSingle()));
            blobs[i] = new Blob(shape[0] * random.NextSingle(), shape[1] * random.NextSingle(), shape[2] * random.NextSingle(), 1f / (2f * sigma * sigma));
        }
#pragma warning restore CA5394

        return blobs;
    }

    /// <summary>Indices of the blobs that reach row (z, y) at all.</summary>
    private static int NearbyBlobs(Blob[] blobs, int z, int y, Span<int> nearby)
    {
        int count = 0;
        for (int i = 0; i < blobs.Length; i++)
        {
            float dz = z - blobs[i].Z, dy = y - blobs[i].Y;
            if (((dz * dz) + (dy * dy)) * blobs[i].InverseTwoSigmaSquared < CutoffExponent)
            {
                nearby[count++] = i;
            }
        }

        return count;
    }

    private static float Intensity(Blob[] blobs, ReadOnlySpan<int> nearby, int z, int y, int x)
    {
        float value = 0;
        foreach (int i in nearby)
        {
            var blob = blobs[i];
            float dz = z - blob.Z, dy = y - blob.Y, dx = x - blob.X;
            float exponent = ((dz * dz) + (dy * dy) + (dx * dx)) * blob.InverseTwoSigmaSquared;
            value += exponent < CutoffExponent ? MathF.Exp(-exponent) : 0f;
        }

        return BlobAmplitude * MathF.Min(value, 1f);
    }

    /// <summary>A standard normal deviate from two SplitMix64 hashes of (index, seed) via Box–Muller.</summary>
    private static float StandardNormal(ulong index, ulong seed)
    {
        double u1 = ((SplitMix64((index * 2) ^ (seed << 40)) >> 11) + 1) * (1.0 / 9007199254740993.0);
        double u2 = (SplitMix64((index * 2) + 1 ^ (seed << 40)) >> 11) * (1.0 / 9007199254740992.0);
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
