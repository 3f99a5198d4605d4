using System.Text.Json;
using BioImage;
using BioImage.Kernels.Tests.Segmentation;
using BioImage.Storage;

namespace BioImage.Kernels.Tests.Morphology;

public class DistanceTransformTests
{
    public static TheoryData<string> EdtCases => SegmentationFixtures.Names("edt");

    [Theory]
    [MemberData(nameof(EdtCases))]
    public void Equals_scipy_distance_transform_edt_on_the_fixtures(string name)
    {
        var entry = SegmentationFixtures.Case("edt", name);
        var (input, header) = SegmentationFixtures.Input(entry);
        double[]? sampling = entry.GetProperty("sampling").ValueKind == JsonValueKind.Null
            ? null
            : [.. entry.GetProperty("sampling").EnumerateArray().Select(v => v.GetDouble())];
        var foreground = header.DType switch
        {
            DType.Bool or DType.UInt8 => Foreground<byte>(input),
            DType.Float32 => Foreground<float>(input),
            _ => throw new InvalidDataException($"No test path for {header.DType}."),
        };
        using var expectedDistances = SegmentationFixtures.Read<double>(entry.GetProperty("distances").GetString()!);
        using var expectedIndices = SegmentationFixtures.Read<int>(entry.GetProperty("indices").GetString()!);
        var shape = header.Shape.Count == 3 ? header.Shape.ToArray() : [1, header.Shape[0], header.Shape[1]];
        foreach (int threads in new[] { 1, 3 })
        {
            var (distances, indices) = Transform(foreground, shape, sampling, planar: header.Shape.Count == 2, threads);
            var check = new Check(foreground, shape, sampling, header.Shape.Count == 2);
            Check.Distances(expectedDistances.Span, distances, $"{name} threads {threads}");
            check.Indices(expectedIndices.Span, indices, expectedDistances.Span, $"{name} threads {threads}");
        }
    }

    [Fact]
    public void Equals_scipy_on_random_volumes_of_several_densities_and_samplings()
    {
        var random = new Random(21);
        var cases = new List<(bool[] Foreground, int[] Shape, double[] Sampling)>();
        foreach (double density in new[] { 0.5, 0.9, 0.99 })
        {
            foreach (var shape in new[] { new[] { 7, 19, 23 }, [13, 5, 40], [2, 33, 17] })
            {
                cases.Add((ConnectedComponentsTests.Noise(random, shape, density, block: 2), shape, [1.0, 1.0, 1.0]));
                cases.Add((ConnectedComponentsTests.Noise(random, shape, density, block: 1), shape, [2.5, 0.75, 1.25]));
            }
        }

        using var exchange = new NumpyExchange();
        for (int i = 0; i < cases.Count; i++)
        {
            exchange.Put($"in{i}", cases[i].Foreground, cases[i].Shape);
            exchange.Put($"sampling{i}", cases[i].Sampling, 3);
        }

        exchange.Run($$"""
            from scipy import ndimage as ndi
            for i in range({{cases.Count}}):
                d, idx = ndi.distance_transform_edt(load(f"in{i}"), sampling=load(f"sampling{i}"), return_indices=True)
                save(f"d{i}", d)
                save(f"i{i}", idx.astype(np.int32))
            """);
        for (int i = 0; i < cases.Count; i++)
        {
            var (foreground, shape, sampling) = cases[i];
            var check = new Check(foreground, shape, sampling, planar: false);
            var expectedDistances = exchange.Get<double>($"d{i}");
            foreach (int threads in new[] { 1, 2 })
            {
                var (distances, indices) = Transform(foreground, shape, sampling, planar: false, threads);
                Check.Distances(expectedDistances, distances, $"case {i} threads {threads}");
                check.Indices(exchange.Get<int>($"i{i}"), indices, expectedDistances, $"case {i} threads {threads}");
            }
        }
    }

    [Fact]
    public void Float32_distances_and_distances_only_agree_with_the_float64_result()
    {
        var random = new Random(4);
        int[] shape = [6, 21, 30];
        var foreground = ConnectedComponentsTests.Noise(random, shape, 0.8, block: 2);
        var (reference, _) = Transform(foreground, shape, [1.5, 1, 1], planar: false, 1);
        var single = new float[foreground.Length];
        DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(foreground, 6, 21, 30), new Span3D<float>(single, 6, 21, 30), [1.5, 1, 1], 2);
        for (int i = 0; i < single.Length; i++)
        {
            Assert.Equal((float)reference[i], single[i]);
        }
    }

    [Fact]
    public void Strided_input_and_output_views_give_the_contiguous_result_and_leave_the_rest_alone()
    {
        var random = new Random(6);
        int[] shape = [5, 14, 17];
        var foreground = ConnectedComponentsTests.Noise(random, shape, 0.85, block: 1);
        var (expected, _) = Transform(foreground, shape, [1.0, 2.0, 1.0], planar: false, 1);
        var wideInput = new bool[7 * 16 * 20];
        var inputView = new Span3D<bool>(wideInput, 7, 16, 20).Slice(1, 1, 2, 5, 14, 17);
        new ReadOnlySpan3D<bool>(foreground, 5, 14, 17).CopyTo(inputView);
        var wideOutput = Enumerable.Repeat(-3.0, 6 * 15 * 19).ToArray();
        var outputView = new Span3D<double>(wideOutput, 6, 15, 19).Slice(1, 0, 1, 5, 14, 17);
        DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(wideInput, 7, 16, 20).Slice(1, 1, 2, 5, 14, 17), outputView, [1.0, 2.0, 1.0], 2);
        var copied = new double[expected.Length];
        new ReadOnlySpan3D<double>(wideOutput, 6, 15, 19).Slice(1, 0, 1, 5, 14, 17).CopyTo(new Span3D<double>(copied, 5, 14, 17));
        Assert.Equal(expected, copied);
        Assert.Equal(wideOutput.Length - expected.Length, wideOutput.Count(v => v == -3.0));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var image = new bool[24];
        var distances = new double[24];
        Assert.Throws<ArgumentException>("distances", () => DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<double>(distances, 2, 4, 3)));
        Assert.Throws<ArgumentException>("sampling", () => DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<double>(distances, 2, 3, 4), [1.0, 2.0]));
        Assert.Throws<ArgumentOutOfRangeException>("sampling", () => DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<double>(distances, 2, 3, 4), [1.0, 0.0, 1.0]));
        Assert.Throws<ArgumentException>("sampling", () => DistanceTransform.Euclidean(new ReadOnlySpan2D<bool>(image, 4, 6), new Span2D<double>(distances, 4, 6), [1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentOutOfRangeException>("degreeOfParallelism", () => DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<double>(distances, 2, 3, 4), default, 0));
    }

    private static bool[] Foreground<T>(string file)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        using var array = SegmentationFixtures.Read<T>(file);
        return [.. array.ToArray().Select(v => v != T.Zero)];
    }

    /// <summary>Distances and (z, y, x) indices; float32 input goes through the generic overload as 0/1 floats.</summary>
    private static (double[] Distances, int[][] Indices) Transform(bool[] foreground, int[] shape, double[]? sampling, bool planar, int threads)
    {
        int n = foreground.Length;
        var distances = new double[n];
        var indices = new[] { new int[n], new int[n], new int[n] };
        var asFloat = foreground.Select(f => f ? 1f : 0f).ToArray();
        if (planar)
        {
            var plane = (Height: shape[1], Width: shape[2]);
            DistanceTransform.Euclidean(new ReadOnlySpan2D<float>(asFloat, plane.Height, plane.Width), new Span2D<double>(distances, plane.Height, plane.Width), new Span2D<int>(indices[1], plane.Height, plane.Width), new Span2D<int>(indices[2], plane.Height, plane.Width), sampling, threads);
            var distancesOnly = new double[n];
            DistanceTransform.Euclidean(new ReadOnlySpan2D<bool>(foreground, plane.Height, plane.Width), new Span2D<double>(distancesOnly, plane.Height, plane.Width), sampling, threads);
            Assert.Equal(distances, distancesOnly);
            return (distances, [indices[1], indices[2]]);
        }

        DistanceTransform.Euclidean(new ReadOnlySpan3D<float>(asFloat, shape[0], shape[1], shape[2]), new Span3D<double>(distances, shape[0], shape[1], shape[2]), new Span3D<int>(indices[0], shape[0], shape[1], shape[2]), new Span3D<int>(indices[1], shape[0], shape[1], shape[2]), new Span3D<int>(indices[2], shape[0], shape[1], shape[2]), sampling, threads);
        var only = new double[n];
        DistanceTransform.Euclidean(new ReadOnlySpan3D<bool>(foreground, shape[0], shape[1], shape[2]), new Span3D<double>(only, shape[0], shape[1], shape[2]), sampling, threads);
        Assert.Equal(distances, only);
        return (distances, indices);
    }

    /// <summary>Compares with scipy: distances to 1e-6; indices must point at a background voxel (or scipy's virtual
    /// feature) at exactly the expected distance, and equal scipy's wherever the nearest voxel is unique.</summary>
    private sealed class Check(bool[] foreground, int[] shape, double[]? sampling, bool planar)
    {
        private readonly double[] _spacing = planar ? [1, .. sampling ?? [1, 1]] : sampling ?? [1, 1, 1];

        public static void Distances(ReadOnlySpan<double> expected, double[] actual, string what)
        {
            for (int i = 0; i < actual.Length; i++)
            {
                if (Math.Abs(expected[i] - actual[i]) > 1e-6)
                {
                    Assert.Fail($"{what}: voxel {i} has distance {actual[i]}, scipy says {expected[i]}.");
                }
            }
        }

        public void Indices(ReadOnlySpan<int> expected, int[][] actual, ReadOnlySpan<double> expectedDistances, string what)
        {
            int n = foreground.Length;
            int axes = actual.Length;
            bool anyBackground = foreground.Any(f => !f);
            for (int i = 0; i < n; i++)
            {
                int[] position = [i / (shape[1] * shape[2]), i / shape[2] % shape[1], i % shape[2]];
                int[] ours = [.. Enumerable.Range(0, axes).Select(a => actual[a][i])];
                var theirs = new int[axes];
                for (int a = 0; a < axes; a++)
                {
                    theirs[a] = expected[(a * n) + i];
                }

                int[] feature = axes == 3 ? ours : [0, ours[0], ours[1]];
                if (anyBackground)
                {
                    int offset = (((feature[0] * shape[1]) + feature[1]) * shape[2]) + feature[2];
                    Assert.True(!foreground[offset], $"{what}: voxel {i} points at ({string.Join(", ", ours)}), which is foreground.");
                }

                double distance = Math.Sqrt(Enumerable.Range(0, 3).Sum(a => Math.Pow(_spacing[a] * (position[a] - feature[a]), 2)));
                Assert.True(Math.Abs(distance - expectedDistances[i]) <= 1e-9 * Math.Max(1, distance), $"{what}: voxel {i} points at ({string.Join(", ", ours)}) at distance {distance}; scipy's nearest is at {expectedDistances[i]}.");
                // Where ours differs from scipy's, both are at the same (minimal) distance: the nearest voxel is not unique.
                // Without background both must be scipy's virtual feature.
                Assert.True(anyBackground || ours.SequenceEqual(theirs), $"{what}: voxel {i} points at ({string.Join(", ", ours)}), scipy's virtual feature is ({string.Join(", ", theirs)}).");
            }
        }
    }
}
