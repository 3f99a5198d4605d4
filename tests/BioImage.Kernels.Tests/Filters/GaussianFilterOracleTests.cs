using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>
/// Every filter of the family against its scipy.ndimage / scikit-image fixture: every border mode, 2D and 3D,
/// anisotropic σ, odd shapes, axes shorter than the kernel, in float32 and float64.
/// </summary>
public class GaussianFilterOracleTests
{
    public static TheoryData<string> GradientMagnitude => FilterFixtures.Named("gradient_magnitude");

    public static TheoryData<string> Laplacian => FilterFixtures.Named("laplacian");

    public static TheoryData<string> Hessian => FilterFixtures.Named("hessian");

    public static TheoryData<string> StructureTensor => FilterFixtures.Named("structure_tensor");

    public static TheoryData<string> DifferenceOfGaussians => FilterFixtures.Named("dog");

    public static TheoryData<string> Smoothing => FilterFixtures.Named("gaussian");

    [Theory]
    [MemberData(nameof(Smoothing))]
    [MemberData(nameof(GradientMagnitude))]
    [MemberData(nameof(Laplacian))]
    [MemberData(nameof(DifferenceOfGaussians))]
    public void Scalar_filters_match_the_oracle(string name) => Check(name, 1e-5);

    [Theory]
    [MemberData(nameof(Hessian))]
    [MemberData(nameof(StructureTensor))]
    public void Eigenvalue_filters_match_the_oracle(string name) => Check(name, 1e-5);

    private static void Check(string name, double tolerance)
    {
        var c = FilterFixtures.Case(name);
        var (input, shape) = FilterFixtures.Input(c.Input);
        var (expected, expectedShape) = FilterFixtures.Expected(c);
        Assert.Equal(shape, expectedShape);
        Tolerance.AssertClose(expected, FilterRunner.RunWhole(c, input, shape), tolerance, $"{name} float32");
        var wide = FilterRunner.RunWhole(c, Array.ConvertAll(input, v => (double)v), shape);
        Tolerance.AssertClose(expected, Array.ConvertAll(wide, v => (float)v), tolerance, $"{name} float64");
    }
}
