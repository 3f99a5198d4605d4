namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// The distance-transform watershed against the same steps composed from scipy/skimage at test time
/// (distance_transform_edt, gaussian_filter, peak_local_max, ndimage.label, watershed), on a Voronoi-like membrane
/// map of odd shape with a little noise so that no two heights tie.
/// </summary>
public class DistanceTransformWatershedTests
{
    private const string Oracle = """
        import json
        from scipy import ndimage as ndi
        from skimage.feature import peak_local_max
        from skimage.segmentation import watershed
        x = load('input').astype(np.float64)
        for case in json.loads(sys.argv[2]):
            mask = load('mask').astype(bool) if case['mask'] else None
            dt = ndi.distance_transform_edt(~(x > case['threshold']), sampling=case['sampling'])
            if mask is not None:
                dt[~mask] = 0
            if case['sigma_seeds']:
                dt = ndi.gaussian_filter(dt, case['sigma_seeds'])
            peaks = peak_local_max(dt, min_distance=case['min_distance'], exclude_border=False)
            flags = np.zeros(dt.shape, bool)
            flags[tuple(peaks.T)] = True
            seeds, _ = ndi.label(flags)
            dt = 1. - (dt - dt.min()) / dt.max()
            a = case['alpha']
            hmap = a * (ndi.gaussian_filter(x, case['sigma_weights']) if case['sigma_weights'] else x) + (1. - a) * dt
            ws = watershed(hmap, seeds)
            if case['min_size']:
                sizes = np.bincount(ws.ravel())
                ws[np.isin(ws, np.flatnonzero(sizes < case['min_size']))] = 0
                ws = watershed(hmap, ws)
            if mask is not None:
                ws[~mask] = 0
            save(case['name'], ws.astype(np.uint32))
        """;

    private static readonly int[] Shape = [21, 26, 29];

    /// <summary>
    /// min_distance &gt; 1 is tested on smoothed distances only: on a raw EDT many peaks tie, and skimage leaves the
    /// order of equal peaks (hence which survives the spacing test) unspecified.
    /// </summary>
    public static TheoryData<string, double, double, long, double, int, bool, double[]?> Cases() => new()
    {
        { "plain", 0, 0, 0, 0.9, 1, false, null },
        { "size_filter_mask", 0, 0, 30, 0.5, 1, true, null },
        { "anisotropic_min_distance", 0.7, 0, 0, 0.8, 3, false, [2.0, 1.0, 1.0] },
        { "anisotropic_unsmoothed", 0, 0, 20, 0.8, 1, false, [2.0, 1.0, 1.5] },
        { "smoothed_elf_defaults", 1.5, 2, 100, 0.9, 1, false, null },
        { "smoothed_masked", 1.0, 1.5, 40, 0.7, 2, true, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_the_steps_composed_from_scipy_and_skimage(string name, double sigmaSeeds, double sigmaWeights, long minSize, double alpha, int minDistance, bool masked, double[]? sampling)
    {
        var (input, mask) = MembraneMap();
        using var exchange = new NumpyExchange();
        exchange.Put("input", input, Shape);
        exchange.Put("mask", mask, Shape);
        const double threshold = 0.5;
        string cases = System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new { name, threshold, sigma_seeds = sigmaSeeds, sigma_weights = sigmaWeights, min_size = minSize, alpha, min_distance = minDistance, mask = masked, sampling },
        });
        exchange.Run(Oracle.Replace("json.loads(sys.argv[2])", "json.loads('" + cases + "')", StringComparison.Ordinal));
        var expected = exchange.Get<uint>(name);

        var labels = new uint[input.Length];
        var options = new DistanceTransformWatershedOptions(threshold, sigmaSeeds, sigmaWeights, minSize, alpha, minDistance) { Sampling = sampling };
        long max = DistanceTransformWatershed.Segment(
            new ReadOnlySpan3D<float>(input, Shape[0], Shape[1], Shape[2]),
            new Span3D<uint>(labels, Shape[0], Shape[1], Shape[2]),
            options,
            masked ? new ReadOnlySpan3D<bool>(mask, Shape[0], Shape[1], Shape[2]) : default,
            degreeOfParallelism: 2);

        int differ = expected.Zip(labels).Count(pair => pair.First != pair.Second);
        Assert.True(differ == 0, $"{name}: {differ} of {labels.Length} voxels differ from the scipy/skimage composition.");
        Assert.Equal(expected.Max(), max);
        Assert.True(expected.Distinct().Count() > 3, "the case should produce several segments");
    }

    /// <summary>
    /// A binary membrane map: without smoothing the heights take few distinct values, seeds of different segments
    /// tie (skimage's heap order decides) and the seeds next to removed segments tie as well (the second flood runs
    /// over the whole volume); with smoothed weights they tie less, and the second flood starts from those seeds
    /// only. All cases in one Python call.
    /// </summary>
    [Fact]
    public void Equals_skimage_where_heights_tie()
    {
        var (membranes, mask) = MembraneMap();
        var input = membranes.Select(value => value > 0.5f ? 1f : 0f).ToArray();
        var cases = new (string Name, double SigmaSeeds, double SigmaWeights, long MinSize, double Alpha, bool Masked)[]
        {
            ("binary_plain", 0, 0, 0, 0.9, false),
            ("binary_size_filter", 0, 0, 40, 0.9, false),
            ("binary_inverted_distances_only", 0, 0, 25, 0, true),
            ("binary_smoothed_weights", 0, 1.0, 60, 0.5, false),
            ("binary_smoothed_seeds", 1.0, 0, 50, 0.8, true),
        };
        using var exchange = new NumpyExchange();
        exchange.Put("input", input, Shape);
        exchange.Put("mask", mask, Shape);
        const double threshold = 0.5;
        string json = System.Text.Json.JsonSerializer.Serialize(cases.Select(c => new
        {
            name = c.Name, threshold, sigma_seeds = c.SigmaSeeds, sigma_weights = c.SigmaWeights, min_size = c.MinSize, alpha = c.Alpha, min_distance = 1, mask = c.Masked, sampling = (double[]?)null,
        }));
        exchange.Run(Oracle.Replace("json.loads(sys.argv[2])", "json.loads('" + json + "')", StringComparison.Ordinal));
        foreach (var c in cases)
        {
            var expected = exchange.Get<uint>(c.Name);
            var labels = new ulong[input.Length];
            DistanceTransformWatershed.Segment(
                new ReadOnlySpan3D<float>(input, Shape[0], Shape[1], Shape[2]),
                new Span3D<ulong>(labels, Shape[0], Shape[1], Shape[2]),
                new DistanceTransformWatershedOptions(threshold, c.SigmaSeeds, c.SigmaWeights, c.MinSize, c.Alpha),
                c.Masked ? new ReadOnlySpan3D<bool>(mask, Shape[0], Shape[1], Shape[2]) : default);

            int differ = expected.Zip(labels).Count(pair => pair.First != pair.Second);
            Assert.True(differ == 0, $"{c.Name}: {differ} of {labels.Length} voxels differ from the scipy/skimage composition.");
            Assert.True(expected.Distinct().Count() > 3, $"{c.Name} should produce several segments");
        }
    }

    [Fact]
    public void Bad_parameters_are_refused()
    {
        var labels = new uint[8];
        var input = new float[8];
        Assert.Throws<ArgumentException>(() => DistanceTransformWatershed.Segment(new ReadOnlySpan3D<float>(input, 2, 2, 2), new Span3D<uint>(labels, 2, 2, 2), new DistanceTransformWatershedOptions(0.5, -1)));
        Assert.Throws<ArgumentException>(() => DistanceTransformWatershed.Segment(new ReadOnlySpan3D<float>(input, 2, 2, 2), new Span3D<uint>(labels, 2, 2, 2), new DistanceTransformWatershedOptions(0.5, 1, Alpha: 2)));
        Assert.Throws<ArgumentException>(() => DistanceTransformWatershed.Segment(new ReadOnlySpan3D<float>(input, 2, 2, 2), new Span3D<uint>(labels, 2, 2, 2), new DistanceTransformWatershedOptions(0.5, 1) { Sampling = [1, 1] }));
    }

    /// <summary>
    /// Membranes between 14 random cell centres (1 on the Voronoi faces, falling off within ~1.5 voxels) plus noise
    /// below 0.01, and a mask that cuts off a slanted corner.
    /// </summary>
    internal static (float[] Input, bool[] Mask) MembraneMap()
    {
        var random = new Random(11);
        var centres = Enumerable.Range(0, 14).Select(_ => (Z: random.NextDouble() * Shape[0], Y: random.NextDouble() * Shape[1], X: random.NextDouble() * Shape[2])).ToArray();
        var input = new float[Shape[0] * Shape[1] * Shape[2]];
        var mask = new bool[input.Length];
        int i = 0;
        for (int z = 0; z < Shape[0]; z++)
        {
            for (int y = 0; y < Shape[1]; y++)
            {
                for (int x = 0; x < Shape[2]; x++, i++)
                {
                    double first = double.MaxValue, second = double.MaxValue;
                    foreach (var c in centres)
                    {
                        double d = Math.Sqrt(((z - c.Z) * (z - c.Z)) + ((y - c.Y) * (y - c.Y)) + ((x - c.X) * (x - c.X)));
                        (first, second) = d < first ? (d, first) : (first, Math.Min(second, d));
                    }

                    double gap = second - first;
                    input[i] = (float)(Math.Exp(-gap * gap / 4.5) + (0.01 * random.NextDouble()));
                    mask[i] = z + y + x < 60;
                }
            }
        }

        return (input, mask);
    }
}
