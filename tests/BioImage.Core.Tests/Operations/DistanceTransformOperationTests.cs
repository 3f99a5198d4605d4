using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise EDT against the whole-volume kernel (checked against scipy in the kernel tests): bit-identical wherever
/// the true distance is below the halo (times the sampling), and everywhere — with global indices — when the halo
/// covers the volume; on threads and worker processes, blocks 4×5×6 that divide no axis of 13×17×19.
/// </summary>
public sealed class DistanceTransformOperationTests : IDisposable
{
    private static readonly long[] BlockShape = [4, 5, 6];
    private static readonly int[] Shape = OperationFixture.Shape;
    private readonly OperationFixture _fixture = new("edtops-");

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(JobType.Local, 1, DType.Float32)]
    [InlineData(JobType.Local, 3, DType.Float64)]
    [InlineData(JobType.Subprocess, 2, DType.Float32)]
    public void Halo_covering_the_volume_equals_the_whole_volume_transform_with_indices(JobType jobType, int workers, DType dtype)
    {
        double[] sampling = [1.5, 1.0, 0.8];
        var (path, expected, indices) = Whole(sampling);
        var distances = _fixture.Output("d", [13, 17, 19], dtype, [4, 5, 6]);
        var nearest = _fixture.Output("i", [3, 13, 17, 19], DType.Int32, [3, 4, 5, 6]);
        DistanceTransformOperation.Run(Source.Open(path), distances, [19], _fixture.Options(jobType, workers, BlockShape), sampling, nearest);
        double[] actual = dtype == DType.Float32 ? [.. OperationFixture.ReadAll<float>(distances).Select(v => (double)v)] : OperationFixture.ReadAll<double>(distances);
        Assert.Equal(expected.Select(v => dtype == DType.Float32 ? (float)v : v), actual);
        Assert.Equal(indices, OperationFixture.ReadAll<int>(nearest));
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, new[] { 2.0, 1.0, 1.0 })]
    public void Small_halo_is_exact_where_the_distance_is_below_it(long halo, double[]? sampling)
    {
        var (path, expected, _) = Whole(sampling);
        var distances = _fixture.Output("small", [13, 17, 19], DType.Float64, [4, 5, 6]);
        DistanceTransformOperation.Run(Source.Open(path), distances, [halo], _fixture.Options(JobType.Local, 2, BlockShape), sampling);
        var actual = OperationFixture.ReadAll<double>(distances);
        double reach = halo * (sampling?.Min() ?? 1);
        int exact = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] < reach)
            {
                Assert.Equal(expected[i], actual[i]);
                exact++;
            }
        }

        Assert.True(exact > 100 && exact < expected.Length, $"{exact} voxels below the halo");
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        var (path, _, _) = Whole(null);
        var options = _fixture.Options(JobType.Local, 1, BlockShape);
        var distances = _fixture.Output("bad", [13, 17, 19], DType.Float32, [4, 5, 6]);
        var integers = _fixture.Output("ints", [13, 17, 19], DType.UInt16, [4, 5, 6]);
        Assert.Contains("halo", Assert.Throws<ArgumentException>(() => Runner.Run(new DistanceTransformOperation(), [Source.Open(path)], [distances], options)).Message, StringComparison.Ordinal);
        Assert.Contains("Sampling needs 3", Assert.Throws<ArgumentException>(() => DistanceTransformOperation.Run(Source.Open(path), distances, [2], options, [1, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => DistanceTransformOperation.Run(Source.Open(path), integers, [2], options)).Message, StringComparison.Ordinal);
    }

    /// <summary>A thresholded synthetic uint8 volume (.npy) and its whole-volume distances and (3, z, y, x) indices.</summary>
    private (string Path, double[] Distances, int[] Indices) Whole(double[]? sampling)
    {
        var (path, data) = _fixture.Input<byte>("foreground", v => (byte)(v > 45 ? 0 : 3));
        using (data)
        {
            int n = data.Length;
            var distances = new double[n];
            var indices = new int[3 * n];
            Span3D<int> Axis(int a) => new(indices.AsSpan(a * n, n), Shape[0], Shape[1], Shape[2]);
            DistanceTransform.Euclidean(new ReadOnlySpan3D<byte>(data.ToArray(), Shape[0], Shape[1], Shape[2]), new Span3D<double>(distances, Shape[0], Shape[1], Shape[2]), Axis(0), Axis(1), Axis(2), sampling);
            return (path, distances, indices);
        }
    }
}
