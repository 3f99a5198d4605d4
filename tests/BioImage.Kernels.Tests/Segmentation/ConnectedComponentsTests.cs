using BioImage;
using BioImage.Storage;

namespace BioImage.Kernels.Tests.Segmentation;

public class ConnectedComponentsTests
{
    public static TheoryData<string> LabelCases => SegmentationFixtures.Names("label");

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void Equals_scipy_label_on_the_fixtures(string name)
    {
        var entry = SegmentationFixtures.Case("label", name);
        var (input, header) = SegmentationFixtures.Input(entry);
        var shape = Shape3D(header.Shape);
        foreach (var output in entry.GetProperty("outputs").EnumerateObject())
        {
            int connectivity = int.Parse(output.Name, System.Globalization.CultureInfo.InvariantCulture);
            using var expected = SegmentationFixtures.Read<int>(output.Value.GetProperty("labels").GetString()!);
            long expectedCount = output.Value.GetProperty("count").GetInt64();
            foreach (int threads in new[] { 1, 3 })
            {
                var labels = new uint[expected.Length];
                long count = header.DType switch
                {
                    DType.Bool => LabelFixture<byte>(input, header.Shape.Count, 0, labels, shape, connectivity, threads, thresholded: false),
                    DType.Float32 => LabelFixture(input, header.Shape.Count, (float)entry.GetProperty("threshold").GetDouble(), labels, shape, connectivity, threads, thresholded: true),
                    DType.UInt16 => LabelFixture(input, header.Shape.Count, (ushort)entry.GetProperty("threshold").GetDouble(), labels, shape, connectivity, threads, thresholded: true),
                    _ => throw new InvalidDataException($"No test path for {header.DType}."),
                };
                Assert.Equal(expectedCount, count);
                AssertLabelsEqual(expected.Span, labels, $"{name} connectivity {connectivity} threads {threads}");
            }
        }
    }

    [Fact]
    public void Equals_scipy_label_on_random_volumes_of_several_densities()
    {
        // Noise (short runs, many merges) and blocky noise (long runs) at densities from sparse to nearly full.
        var cases = new List<(bool[] Image, int[] Shape)>();
        var random = new Random(7);
        int[][] shapes = [[6, 17, 33], [5, 31, 9], [3, 4, 129], [1, 23, 65]];
        foreach (double density in new[] { 0.05, 0.3, 0.5, 0.7, 0.95 })
        {
            foreach (var shape in shapes)
            {
                cases.Add((Noise(random, shape, density, block: 1), shape));
                cases.Add((Noise(random, shape, density, block: 3), shape));
            }
        }

        using var exchange = new NumpyExchange();
        for (int i = 0; i < cases.Count; i++)
        {
            exchange.Put($"in{i}", cases[i].Image, cases[i].Shape);
        }

        exchange.Run($$"""
            from scipy import ndimage as ndi
            for i in range({{cases.Count}}):
                image = load(f"in{i}")
                for c in (1, 2, 3):
                    labels, _ = ndi.label(image, structure=ndi.generate_binary_structure(3, c))
                    save(f"out{i}_{c}", labels.astype(np.uint32))
            """);

        for (int i = 0; i < cases.Count; i++)
        {
            var (image, shape) = cases[i];
            for (int connectivity = 1; connectivity <= 3; connectivity++)
            {
                var expected = exchange.Get<uint>($"out{i}_{connectivity}");
                foreach (int threads in new[] { 1, 2, 4 })
                {
                    var labels = new ulong[image.Length];
                    long count = ConnectedComponents.Label(new ReadOnlySpan3D<bool>(image, shape[0], shape[1], shape[2]), new Span3D<ulong>(labels, shape[0], shape[1], shape[2]), connectivity, 0UL, threads);
                    Assert.Equal(expected.Length == 0 ? 0 : expected.Max(), (uint)count);
                    Assert.True(expected.Select(v => (ulong)v).SequenceEqual(labels), $"case {i} connectivity {connectivity} threads {threads}");
                }
            }
        }
    }

    [Fact]
    public void Every_degree_of_parallelism_gives_the_same_labels_including_thin_slabs()
    {
        var random = new Random(11);
        int[] shape = [3, 50, 40];
        var image = Noise(random, shape, 0.45, block: 2);
        var reference = new uint[image.Length];
        var view = new ReadOnlySpan3D<bool>(image, shape[0], shape[1], shape[2]);
        for (int connectivity = 1; connectivity <= 3; connectivity++)
        {
            long expected = ConnectedComponents.Label(view, new Span3D<uint>(reference, shape[0], shape[1], shape[2]), connectivity, 0u, 1);
            foreach (int threads in new[] { 2, 3, 5, 7, 64, 200 })
            {
                var labels = new uint[image.Length];
                Assert.Equal(expected, ConnectedComponents.Label(view, new Span3D<uint>(labels, shape[0], shape[1], shape[2]), connectivity, 0u, threads));
                Assert.Equal(reference, labels);
            }
        }
    }

    [Fact]
    public void The_label_offset_shifts_every_label_and_keeps_background_zero()
    {
        var image = Noise(new Random(3), [4, 9, 10], 0.4, block: 1);
        var plain = new uint[image.Length];
        var shifted = new uint[image.Length];
        var view = new ReadOnlySpan3D<bool>(image, 4, 9, 10);
        long count = ConnectedComponents.Label(view, new Span3D<uint>(plain, 4, 9, 10), 1, 0u);
        Assert.Equal(count, ConnectedComponents.Label(view, new Span3D<uint>(shifted, 4, 9, 10), 1, 1000u));
        Assert.Equal(plain.Select(v => v == 0 ? 0 : v + 1000), shifted);
    }

    [Fact]
    public void Too_many_components_for_the_label_type_says_to_use_uint64()
    {
        var image = Noise(new Random(5), [1, 40, 40], 1.0, block: 1);
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = ((i / 40) + (i % 40)) % 2 == 0;
        }

        var labels = new byte[image.Length];
        var error = Assert.Throws<OverflowException>(() => ConnectedComponents.Label(new ReadOnlySpan2D<bool>(image, 40, 40), new Span2D<byte>(labels, 40, 40), 1));
        Assert.Contains("uint64", error.Message, StringComparison.Ordinal);
        var wide = new ushort[image.Length];
        Assert.Equal(800, ConnectedComponents.Label(new ReadOnlySpan2D<bool>(image, 40, 40), new Span2D<ushort>(wide, 40, 40), 1));
        Assert.Throws<OverflowException>(() => ConnectedComponents.Label(new ReadOnlySpan2D<bool>(image, 40, 40), new Span2D<ushort>(wide, 40, 40), 1, (ushort)65000));
    }

    [Fact]
    public void Works_on_strided_views_and_leaves_the_rest_of_the_output_alone()
    {
        var random = new Random(9);
        var whole = Noise(random, [6, 12, 14], 0.5, block: 1);
        var subImage = new bool[4 * 9 * 11];
        var sourceView = new ReadOnlySpan3D<bool>(whole, 6, 12, 14).Slice(1, 2, 3, 4, 9, 11);
        sourceView.CopyTo(new Span3D<bool>(subImage, 4, 9, 11));
        var expected = new uint[subImage.Length];
        long expectedCount = ConnectedComponents.Label(new ReadOnlySpan3D<bool>(subImage, 4, 9, 11), new Span3D<uint>(expected, 4, 9, 11), 3, 0u);

        var output = Enumerable.Repeat(77u, 6 * 12 * 14).ToArray();
        var outputView = new Span3D<uint>(output, 6, 12, 14).Slice(1, 2, 3, 4, 9, 11);
        Assert.Equal(expectedCount, ConnectedComponents.Label(sourceView, outputView, 3, 0u, 2));
        var copied = new uint[expected.Length];
        new Span3D<uint>(output, 6, 12, 14).Slice(1, 2, 3, 4, 9, 11).CopyTo(new Span3D<uint>(copied, 4, 9, 11));
        Assert.Equal(expected, copied);
        Assert.Equal(6 * 12 * 14 - expected.Length, output.Count(v => v == 77u));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var image = new bool[24];
        var labels = new uint[24];
        Assert.Throws<ArgumentException>("labels", () => ConnectedComponents.Label(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<uint>(labels, 2, 4, 3)));
        Assert.Throws<ArgumentOutOfRangeException>("connectivity", () => ConnectedComponents.Label(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<uint>(labels, 2, 3, 4), 4));
        Assert.Throws<ArgumentOutOfRangeException>("connectivity", () => ConnectedComponents.Label(new ReadOnlySpan2D<bool>(image, 4, 6), new Span2D<uint>(labels, 4, 6), 3));
        Assert.Throws<ArgumentOutOfRangeException>("degreeOfParallelism", () => ConnectedComponents.Label(new ReadOnlySpan3D<bool>(image, 2, 3, 4), new Span3D<uint>(labels, 2, 3, 4), 1, 0u, 0));
        Assert.Equal(0, ConnectedComponents.Label(new ReadOnlySpan3D<bool>([], 0, 3, 4), new Span3D<uint>([], 0, 3, 4)));
    }

    private static long LabelFixture<T>(string file, int rank, T threshold, uint[] labels, int[] shape, int connectivity, int threads, bool thresholded)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        using var image = SegmentationFixtures.Read<T>(file);
        if (rank == 2)
        {
            var labels2D = new Span2D<uint>(labels, shape[1], shape[2]);
            return thresholded
                ? ConnectedComponents.Label(new ReadOnlySpan2D<T>(image.Span, shape[1], shape[2]), threshold, labels2D, connectivity, 0u, threads)
                : ConnectedComponents.Label(new ReadOnlySpan2D<bool>(System.Runtime.InteropServices.MemoryMarshal.Cast<T, bool>(image.Span), shape[1], shape[2]), labels2D, connectivity, 0u, threads);
        }

        var labels3D = new Span3D<uint>(labels, shape[0], shape[1], shape[2]);
        return thresholded
            ? ConnectedComponents.Label(new ReadOnlySpan3D<T>(image.Span, shape[0], shape[1], shape[2]), threshold, labels3D, connectivity, 0u, threads)
            : ConnectedComponents.Label(new ReadOnlySpan3D<bool>(System.Runtime.InteropServices.MemoryMarshal.Cast<T, bool>(image.Span), shape[0], shape[1], shape[2]), labels3D, connectivity, 0u, threads);
    }

    private static int[] Shape3D(IReadOnlyList<int> shape) =>
        shape.Count == 3 ? [shape[0], shape[1], shape[2]] : [1, shape[0], shape[1]];

    private static void AssertLabelsEqual(ReadOnlySpan<int> expected, uint[] actual, string what)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{what}: voxel {i} is {actual[i]}, scipy says {expected[i]}.");
            }
        }
    }

    /// <summary>Uniform noise at <paramref name="density"/>, constant over cubes of <paramref name="block"/> voxels.</summary>
    internal static bool[] Noise(Random random, int[] shape, double density, int block)
    {
        var cells = new Dictionary<(int, int, int), bool>();
        var image = new bool[shape[0] * shape[1] * shape[2]];
        int i = 0;
        for (int z = 0; z < shape[0]; z++)
        {
            for (int y = 0; y < shape[1]; y++)
            {
                for (int x = 0; x < shape[2]; x++)
                {
                    var cell = (z / block, y / block, x / block);
                    if (!cells.TryGetValue(cell, out bool value))
                    {
                        cells[cell] = value = random.NextDouble() < density;
                    }

                    image[i++] = value;
                }
            }
        }

        return image;
    }
}
