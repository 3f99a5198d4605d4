using System.Numerics;
using System.Text.Json;
using BioImage;
using BioImage.Kernels.Tests.Segmentation;
using BioImage.Storage;

namespace BioImage.Kernels.Tests.Morphology;

public class LocalMaximaTests
{
    public static TheoryData<string> PeakCases => SegmentationFixtures.Names("peaks");

    [Theory]
    [MemberData(nameof(PeakCases))]
    public void Equals_skimage_peak_local_max_on_the_fixtures(string name)
    {
        var entry = SegmentationFixtures.Case("peaks", name);
        var (input, header) = SegmentationFixtures.Input(entry);
        var arguments = entry.GetProperty("arguments");
        int minDistance = arguments.TryGetProperty("min_distance", out var md) ? md.GetInt32() : 1;
        double? thresholdAbs = arguments.TryGetProperty("threshold_abs", out var ta) ? ta.GetDouble() : null;
        double? thresholdRel = arguments.TryGetProperty("threshold_rel", out var tr) ? tr.GetDouble() : null;
        int? excludeBorder = !arguments.TryGetProperty("exclude_border", out var eb) ? null
            : eb.ValueKind == JsonValueKind.False ? 0
            : eb.ValueKind == JsonValueKind.True ? minDistance
            : eb.GetInt32();
        int[] peaks = header.DType switch
        {
            DType.Float32 => Find<float>(input, header.Shape, minDistance, thresholdAbs, thresholdRel, excludeBorder),
            DType.Float64 => Find<double>(input, header.Shape, minDistance, thresholdAbs, thresholdRel, excludeBorder),
            DType.UInt16 => Find<ushort>(input, header.Shape, minDistance, thresholdAbs, thresholdRel, excludeBorder),
            DType.Int32 => Find<int>(input, header.Shape, minDistance, thresholdAbs, thresholdRel, excludeBorder),
            _ => throw new InvalidDataException($"No test path for {header.DType}."),
        };
        using var expected = SegmentationFixtures.Read<int>(entry.GetProperty("peaks").GetString()!);
        Assert.Equal(expected.ToArray(), peaks);
    }

    [Fact]
    public void Equal_values_are_taken_in_raster_order_and_flat_images_have_no_peaks()
    {
        // Two equal maxima closer than min_distance: the first in raster order survives.
        var image = new float[9 * 9];
        image[(2 * 9) + 3] = 5;
        image[(4 * 9) + 5] = 5;
        Assert.Equal(new[] { 2, 3 }, LocalMaxima.Find(new ReadOnlySpan2D<float>(image, 9, 9), minDistance: 3, excludeBorder: 0));
        Assert.Empty(LocalMaxima.Find(new ReadOnlySpan3D<byte>(Enumerable.Repeat((byte)7, 60).ToArray(), 3, 4, 5), excludeBorder: 0));
        Assert.Throws<ArgumentOutOfRangeException>("minDistance", () => LocalMaxima.Find(new ReadOnlySpan2D<float>(image, 9, 9), minDistance: -1));
    }

    private static int[] Find<T>(string file, IReadOnlyList<int> shape, int minDistance, double? thresholdAbs, double? thresholdRel, int? excludeBorder)
        where T : unmanaged, INumber<T>
    {
        using var image = SegmentationFixtures.Read<T>(file);
        return shape.Count == 2
            ? LocalMaxima.Find(new ReadOnlySpan2D<T>(image.Span, shape[0], shape[1]), minDistance, thresholdAbs, thresholdRel, excludeBorder)
            : LocalMaxima.Find(new ReadOnlySpan3D<T>(image.Span, shape[0], shape[1], shape[2]), minDistance, thresholdAbs, thresholdRel, excludeBorder);
    }
}
