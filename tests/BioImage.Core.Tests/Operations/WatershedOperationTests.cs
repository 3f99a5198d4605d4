using System.Numerics;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;
using Xunit.Abstractions;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise seeded watershed: with a halo that covers the volume every block floods the whole volume, so the
/// result equals the whole-volume kernel (itself checked against skimage in the kernel tests) on every backend, for
/// every height and seed dtype, with and without a mask; with smaller halos the backends agree bit for bit, and the
/// adapted Rand error against the whole volume is reported for a halo sweep.
/// </summary>
public sealed class WatershedOperationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly long[] BlockShape = [4, 5, 6];
    private readonly OperationFixture _fixture = new("wsops-");

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<DType, DType, JobType, int> Cases() => new()
    {
        { DType.Float32, DType.UInt32, JobType.Local, 1 },
        { DType.UInt8, DType.UInt64, JobType.Local, 3 },
        { DType.Float64, DType.Int32, JobType.Local, 2 },
        { DType.Float32, DType.UInt64, JobType.Subprocess, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Halo_covering_the_volume_equals_the_whole_volume_watershed(DType heights, DType seeds, JobType jobType, int workers)
    {
        var (heightPath, seedPath, expected) = Inputs(heights, seeds, mask: null);
        var result = _fixture.Output("ws", [13, 17, 19], DType.UInt64, [4, 5, 6]);
        WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), result, [19], _fixture.Options(jobType, workers, BlockShape), connectivity: 2);
        Assert.Equal(expected.Select(v => (ulong)v), OperationFixture.ReadAll<ulong>(result));
    }

    [Fact]
    public void Mask_zeroes_outside_voxels_and_equals_the_masked_kernel()
    {
        var maskData = NdArray<byte>.Allocate(OperationFixture.Shape);
        for (int i = 0; i < maskData.Length; i++)
        {
            maskData.Span[i] = (byte)(i % 19 < 12 && i / (17 * 19) < 9 ? 1 : 0);
        }

        string maskPath = Path.Combine(_fixture.Directory, "mask.npy");
        NpyFile.Write(maskPath, maskData);
        var flags = maskData.ToArray().Select(v => v != 0).ToArray();
        var (heightPath, seedPath, expected) = Inputs(DType.Float32, DType.UInt32, flags);
        var result = _fixture.Output("masked", [13, 17, 19], DType.UInt32, [4, 5, 6]);
        var options = _fixture.Options(JobType.Local, 2, BlockShape) with { Mask = Source.Open(maskPath) };
        WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), result, [13, 17, 19], options);
        var labels = OperationFixture.ReadAll<uint>(result);
        Assert.Equal(expected.Select(v => (uint)v), labels);
        Assert.All(labels.Where((_, i) => !flags[i]), label => Assert.Equal(0u, label));
        Assert.Contains(labels, label => label != 0);
    }

    [Fact]
    public void Small_halo_is_identical_on_threads_and_worker_processes()
    {
        var (heightPath, seedPath, _) = Inputs(DType.Float32, DType.Int32, mask: null);
        var local = _fixture.Output("local", [13, 17, 19], DType.UInt64, [4, 5, 6]);
        var workers = _fixture.Output("workers", [13, 17, 19], DType.UInt64, [4, 5, 6]);
        WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), local, [2, 1, 3], _fixture.Options(JobType.Local, 3, BlockShape));
        WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), workers, [2, 1, 3], _fixture.Options(JobType.Subprocess, 2, BlockShape));
        Assert.Equal(OperationFixture.ReadAll<ulong>(local), OperationFixture.ReadAll<ulong>(workers));
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        var (heightPath, seedPath, _) = Inputs(DType.Float32, DType.UInt32, mask: null);
        var output = _fixture.Output("bad", [13, 17, 19], DType.UInt32, [4, 5, 6]);
        var floats = _fixture.Output("floats", [13, 17, 19], DType.Float32, [4, 5, 6]);
        var options = _fixture.Options(JobType.Local, 1, BlockShape);
        Assert.Contains("halo", Assert.Throws<ArgumentException>(() => Runner.Run(new WatershedOperation(), [Source.Open(heightPath), Source.Open(seedPath)], [output], options)).Message, StringComparison.Ordinal);
        Assert.Contains("Connectivity", Assert.Throws<ArgumentException>(() => WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), output, [1], options, connectivity: 4)).Message, StringComparison.Ordinal);
        Assert.Contains("integer dtype", Assert.Throws<ArgumentException>(() => WatershedOperation.Run(Source.Open(heightPath), Source.Open(seedPath), floats, [1], options)).Message, StringComparison.Ordinal);
        Assert.Contains("seeds must have an integer dtype", Assert.Throws<ArgumentException>(() => WatershedOperation.Run(Source.Open(heightPath), Source.Open(heightPath), output, [1], options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_dimensional_watershed_and_distance_transform_equal_the_2d_kernels()
    {
        int[] shape = [23, 29];
        using var volume = SyntheticVolume.Generate<float>([1, 23, 29], blobCount: 5, seed: 9);
        using var heights = NdArray<float>.Allocate(shape);
        using var seeds = NdArray<int>.Allocate(shape);
        for (int i = 0; i < heights.Length; i++)
        {
            heights.Span[i] = -volume.Span[i];
            seeds.Span[i] = i % 37 == 4 ? 1 + (i / 37) : 0;
        }

        var expected = new long[heights.Length];
        Watershed.Seeded(new ReadOnlySpan2D<float>(heights.ToArray(), 23, 29), new ReadOnlySpan2D<int>(seeds.ToArray(), 23, 29), new Span2D<long>(expected, 23, 29), connectivity: 2);
        using var labels = NdArray<long>.Allocate(shape);
        var options = new RunOptions { BlockShape = [5, 7], Workers = 2 };
        WatershedOperation.Run(new ArraySource<float>(heights), new ArraySource<int>(seeds), new ArraySource<long>(labels), [29], options, connectivity: 2);
        Assert.Equal(expected, labels.ToArray());

        using var foreground = NdArray<int>.Allocate(shape);
        for (int i = 0; i < foreground.Length; i++)
        {
            foreground.Span[i] = volume.Span[i] < 60 ? 1 : 0;
        }

        var distances = new float[heights.Length];
        var indices = new int[2 * heights.Length];
        DistanceTransform.Euclidean(new ReadOnlySpan2D<int>(foreground.ToArray(), 23, 29), new Span2D<float>(distances, 23, 29), new Span2D<int>(indices.AsSpan(0, 23 * 29), 23, 29), new Span2D<int>(indices.AsSpan(23 * 29), 23, 29), [1.5, 1.0]);
        using var blockWise = NdArray<float>.Allocate(shape);
        using var nearest = NdArray<int>.Allocate([2, 23, 29]);
        DistanceTransformOperation.Run(new ArraySource<int>(foreground), new ArraySource<float>(blockWise), [29], options, [1.5, 1.0], new ArraySource<int>(nearest));
        Assert.Equal(distances, blockWise.ToArray());
        Assert.Equal(indices, nearest.ToArray());
        var unit = new float[heights.Length];
        DistanceTransform.Euclidean(new ReadOnlySpan2D<int>(foreground.ToArray(), 23, 29), new Span2D<float>(unit, 23, 29), default, default);
        DistanceTransformOperation.Run(new ArraySource<int>(foreground), new ArraySource<float>(blockWise), [29], options);
        Assert.Equal(unit, blockWise.ToArray());
        Assert.Contains(unit, d => d > 2);
    }

    /// <summary>
    /// The halo sweep on a 64³ synthetic volume with 32³ blocks: adapted Rand error of the block-wise watershed
    /// against the whole-volume one. It must reach 0 once the halo covers the volume and be positive without a halo.
    /// </summary>
    [Fact]
    public void Halo_sweep_reports_the_adapted_rand_error_against_the_whole_volume()
    {
        int[] shape = [64, 64, 64];
        using var volume = SyntheticVolume.Generate<float>(shape, blobCount: 40, seed: 5);
        using var heights = NdArray<float>.Allocate(shape);
        using var seeds = NdArray<uint>.Allocate(shape);
        using var blobs = NdArray<bool>.Allocate(shape);
        for (int i = 0; i < volume.Length; i++)
        {
            heights.Span[i] = -volume.Span[i];
            blobs.Span[i] = volume.Span[i] > 95;
        }

        ConnectedComponents.Label(blobs.AsSpan3D().AsReadOnly(), seeds.AsSpan3D());
        using var whole = NdArray<uint>.Allocate(shape);
        Watershed.Seeded(heights.AsSpan3D().AsReadOnly(), seeds.AsSpan3D().AsReadOnly(), whole.AsSpan3D());
        var errors = new List<double>();
        foreach (long halo in new long[] { 0, 2, 4, 8, 16, 32 })
        {
            using var blockWise = NdArray<uint>.Allocate(shape);
            WatershedOperation.Run(new ArraySource<float>(heights), new ArraySource<uint>(seeds), new ArraySource<uint>(blockWise), [halo], new RunOptions { BlockShape = [32, 32, 32], Workers = 2 });
            var (error, _, _) = AdaptedRandError.Compute<uint, uint>(whole.Span, blockWise.Span);
            int differ = 0;
            for (int i = 0; i < whole.Length; i++)
            {
                differ += whole.Span[i] != blockWise.Span[i] ? 1 : 0;
            }

            output.WriteLine($"halo {halo,2}: adapted Rand error {error:F6}, {differ} of {whole.Length} voxels differ");
            errors.Add(error);
        }

        Assert.True(errors[0] > 0, "without a halo the blocks should disagree with the whole volume somewhere");
        Assert.Equal(0, errors[^1]);
        Assert.True(errors[^2] <= errors[0], "a wide halo should not be worse than none");
    }

    /// <summary>
    /// The fixture's synthetic volume as heights (converted to <paramref name="heights"/>, negated for floats so blobs
    /// are basins) and sparse seeds with distinct ids (as <paramref name="seeds"/>), written as .npy; and the
    /// whole-volume watershed (connectivity 2 without a mask, 1 with one) computed by the kernel.
    /// </summary>
    private (string Heights, string Seeds, long[] Expected) Inputs(DType heights, DType seeds, bool[]? mask)
    {
        var (_, volume) = _fixture.Input<float>("volume", v => v);
        using (volume)
        {
            var heightValues = volume.ToArray().Select(v => heights == DType.UInt8 ? MathF.Round(Math.Clamp(140 - v, 0, 255)) : -v).ToArray();
            var seedValues = new long[heightValues.Length];
            for (int i = 0, id = 1; i < seedValues.Length; i++)
            {
                seedValues[i] = (i * 7) % 157 == 3 ? id++ : 0;
            }

            string heightPath = Path.Combine(_fixture.Directory, $"heights-{heights}.npy");
            string seedPath = Path.Combine(_fixture.Directory, $"seeds-{seeds}.npy");
            heights.Dispatch(new WriteAs<float>(heightPath, heightValues));
            seeds.Dispatch(new WriteAs<long>(seedPath, seedValues));
            var labels = new long[seedValues.Length];
            int[] s = OperationFixture.Shape;
            var maskView = mask is null ? default : new ReadOnlySpan3D<bool>(mask, s[0], s[1], s[2]);
            Watershed.Seeded(new ReadOnlySpan3D<float>(heightValues, s[0], s[1], s[2]), new ReadOnlySpan3D<long>(seedValues, s[0], s[1], s[2]), new Span3D<long>(labels, s[0], s[1], s[2]), mask is null ? 2 : 1, maskView);
            return (heightPath, seedPath, labels);
        }
    }

    private sealed class WriteAs<TFrom>(string path, TFrom[] values) : IDTypeFunc<bool>
        where TFrom : unmanaged, INumber<TFrom>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var array = NdArray<T>.Allocate(OperationFixture.Shape);
            for (int i = 0; i < values.Length; i++)
            {
                array.Span[i] = T.CreateChecked(values[i]);
            }

            NpyFile.Write(path, array);
            return true;
        }
    }
}
