using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Runs the filter a fixture case names, on any input view and output box, returning channel-first values.</summary>
internal static class FilterRunner
{
    public static int Channels(FilterCase c) => c.Filter is "hessian" or "structure_tensor" ? c.Rank : 1;

    public static Index3 Halo(FilterCase c) => c.Filter switch
    {
        "gaussian" => GaussianFilters.SmoothingHalo(c.Options),
        "gradient_magnitude" => GaussianFilters.GradientMagnitudeHalo(c.Options),
        "laplacian" => GaussianFilters.LaplacianHalo(c.Options),
        "hessian" => GaussianFilters.HessianHalo(c.Options),
        "structure_tensor" => GaussianFilters.StructureTensorHalo(c.Options, c.OuterSigma),
        "dog" => GaussianFilters.DifferenceOfGaussiansHalo(c.Options, c.OuterSigma),
        _ => throw new ArgumentException(c.Filter),
    };

    /// <summary>Filters the box (<paramref name="origin"/>, <paramref name="box"/>) of the input view.</summary>
    public static T[] Run<T>(FilterCase c, ReadOnlyMemory3D<T> input, Index3 origin, Index3 box, int threads)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int voxels = box.Z * box.Y * box.X;
        var result = new T[Channels(c) * voxels];
        var views = Enumerable.Range(0, Channels(c)).Select(k => new Memory3D<T>(result.AsMemory(k * voxels, voxels), box.Z, box.Y, box.X)).ToArray();
        var options = c.Options;
        switch (c.Filter)
        {
            case "gaussian":
                GaussianFilters.GaussianDerivative(input, views[0], options, new Index3(c.Order[0], c.Order[1], c.Order[2]), origin, threads);
                break;
            case "gradient_magnitude":
                GaussianFilters.GaussianGradientMagnitude(input, views[0], options, origin, threads);
                break;
            case "laplacian":
                GaussianFilters.LaplacianOfGaussian(input, views[0], options, origin, threads);
                break;
            case "hessian":
                GaussianFilters.HessianOfGaussianEigenvalues(input, views, options, origin, threads);
                break;
            case "structure_tensor":
                GaussianFilters.StructureTensorEigenvalues(input, views, options, c.OuterSigma, origin, threads);
                break;
            case "dog":
                GaussianFilters.DifferenceOfGaussians(input, views[0], options, c.OuterSigma, origin, threads);
                break;
            default:
                throw new ArgumentException(c.Filter);
        }

        return result;
    }

    public static T[] RunWhole<T>(FilterCase c, T[] input, Index3 shape, int threads = 1)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Run(c, new ReadOnlyMemory3D<T>(input, shape.Z, shape.Y, shape.X), Index3.Zero, shape, threads);
}
