using BioImage.Kernels;
using BioImage.Kernels.Tests.Filters;

namespace BioImage.Kernels.Tests.Resampling;

/// <summary>
/// Resize against scipy.ndimage.affine_transform(diag(in/out)) fixtures — orders 0–5, every border mode, down-, up-
/// and mixed resizing, anti-aliasing as skimage — and exact order-0 label picking.
/// </summary>
public class ResizeTests
{
    public static TheoryData<string> Resizes => ResamplingFixtures.OfKind("resize");

    public static TheoryData<string> Nearest => ResamplingFixtures.OfKind("nearest");

    [Theory]
    [MemberData(nameof(Resizes))]
    public void Resize_matches_scipy(string name)
    {
        var c = ResamplingFixtures.Case(name);
        var (input, shape) = ResamplingFixtures.Read<float>($"input_{c.Input}");
        var (expected, outputShape) = ResamplingFixtures.Read<float>(name);
        var plan = new ResizePlan(shape, outputShape, c.Order, c.AntiAliasing, BorderIndex.Parse(c.Mode), c.Cval);

        var single = new float[expected.Length];
        Kernels.Resampling.Resize(Volume(input, shape), Volume(single, outputShape), plan);
        Tolerance.AssertClose(expected, single, 1e-5, $"{name} float32");

        var wide = new double[expected.Length];
        Kernels.Resampling.Resize(Volume(Array.ConvertAll(input, v => (double)v), shape), Volume(wide, outputShape), plan, degreeOfParallelism: 2);
        Tolerance.AssertClose(expected, Array.ConvertAll(wide, v => (float)v), 1e-5, $"{name} float64");
    }

    [Theory]
    [MemberData(nameof(Nearest))]
    public void Nearest_picks_exact_labels(string name)
    {
        var c = ResamplingFixtures.Case(name);
        var (labels, shape) = ResamplingFixtures.Read<ulong>($"input_{c.Input}");
        var (expected, outputShape) = ResamplingFixtures.Read<ulong>(name);
        var plan = new ResizePlan(shape, outputShape, order: 0, mode: BorderIndex.Parse(c.Mode));
        var output = new ulong[expected.Length];
        Kernels.Resampling.ResizeNearest(Volume(labels, shape), Volume(output, outputShape), plan, degreeOfParallelism: 3);
        Assert.Equal(expected, output);
    }

    internal static Memory3D<T> Volume<T>(T[] data, Index3 shape) => new(data, shape.Z, shape.Y, shape.X);
}
