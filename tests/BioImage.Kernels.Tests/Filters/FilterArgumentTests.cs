using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Bad arguments fail with exceptions that name what is wrong.</summary>
public class FilterArgumentTests
{
    private static readonly float[] Data = new float[4 * 5 * 6];

    private static ReadOnlyMemory3D<float> Input => new(Data, 4, 5, 6);

    private static Memory3D<float> Output(int d = 4, int h = 5, int w = 6) => new(new float[d * h * w], d, h, w);

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.GaussianSmoothing(Input, Output(), new FilterOptions(AxisScales.Isotropic(-1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.GaussianSmoothing(Input, Output(), new FilterOptions(AxisScales.Isotropic(1), Rank: 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.GaussianSmoothing(Input, Output(), new FilterOptions(AxisScales.Isotropic(1), Mode: (BorderMode)17)));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.GaussianSmoothing(Input, Output(), new FilterOptions(AxisScales.Isotropic(1)), degreeOfParallelism: 0));
    }

    [Fact]
    public void The_output_box_must_fit_in_the_input()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.GaussianSmoothing(Input, Output(2, 2, 2), new FilterOptions(AxisScales.Isotropic(1)), new Index3(0, 4, 0)));
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Derivatives_need_a_filtered_axis()
    {
        Assert.Throws<ArgumentException>(() => GaussianFilters.GaussianDerivative(Input, Output(), new FilterOptions(new AxisScales(0, 1, 1)), new Index3(1, 0, 0)));
        Assert.Throws<ArgumentException>(() => GaussianFilters.GaussianGradientMagnitude(Input, Output(), new FilterOptions(new AxisScales(1, 1, 0))));
        Assert.Throws<ArgumentException>(() => GaussianFilters.GaussianDerivative(Input, Output(), new FilterOptions(AxisScales.Isotropic(1), Rank: 2), new Index3(1, 0, 0)));
    }

    [Fact]
    public void Eigenvalue_filters_need_one_output_per_axis_of_one_shape()
    {
        var options = new FilterOptions(AxisScales.Isotropic(1));
        Assert.Throws<ArgumentException>(() => GaussianFilters.HessianOfGaussianEigenvalues(Input, [Output(), Output()], options));
        Assert.Throws<ArgumentException>(() => GaussianFilters.HessianOfGaussianEigenvalues(Input, [Output(), Output(3, 5, 6), Output()], options));
        Assert.Throws<ArgumentException>(() => GaussianFilters.HessianOfGaussianEigenvalues(Input, [default, default, default], options));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianFilters.StructureTensorEigenvalues(Input, [Output(), Output(), Output()], options, AxisScales.Isotropic(double.NaN)));
    }

    [Fact]
    public void A_single_requested_channel_equals_that_channel_of_the_full_run()
    {
        var random = new Random(2);
        var input = Enumerable.Range(0, 4 * 5 * 6).Select(_ => (float)random.NextDouble()).ToArray();
        var all = new[] { Output(), Output(), Output() };
        var options = new FilterOptions(AxisScales.Isotropic(1));
        GaussianFilters.HessianOfGaussianEigenvalues(new ReadOnlyMemory3D<float>(input, 4, 5, 6), all, options);
        var middle = new float[4 * 5 * 6];
        Array.Fill(middle, 42f);
        GaussianFilters.HessianOfGaussianEigenvalues(new ReadOnlyMemory3D<float>(input, 4, 5, 6), [default, new Memory3D<float>(middle, 4, 5, 6), default], options);
        Assert.Equal(ToArray(all[1]), middle);
    }

    private static float[] ToArray(Memory3D<float> view)
    {
        var result = new float[view.Depth * view.Height * view.Width];
        view.Span.CopyTo(new Span3D<float>(result, view.Depth, view.Height, view.Width));
        return result;
    }
}
