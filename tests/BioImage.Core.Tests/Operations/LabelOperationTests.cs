using System.Globalization;
using System.Text.Json;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Sources.Wrappers;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise labelling equals scipy.ndimage.label of the whole volume exactly (labels and numbering) on the
/// segmentation fixtures — checkerboards, spirals, zigzags, diagonals through block corners, noise, thin volumes —
/// for every connectivity and many block shapes, including one-voxel-thin and non-dividing ones, on every backend.
/// </summary>
public sealed class LabelOperationTests : IDisposable
{
    private static readonly Lazy<JsonDocument> Cases = new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("segmentation", "cases.json"))));

    private static readonly long[][] BlockShapes3D = [[1, 6, 7], [3, 1, 9], [4, 5, 6], [7, 9, 11], [2, 3, 64]];
    private static readonly long[][] BlockShapes2D = [[1, 5], [4, 3], [6, 16], [2, 2]];

    private readonly OperationFixture _fixture = new("label-");

    public static TheoryData<string> FixtureNames()
    {
        var names = new TheoryData<string>();
        foreach (var entry in Cases.Value.RootElement.GetProperty("label").EnumerateArray())
        {
            names.Add(entry.GetProperty("name").GetString()!);
        }

        return names;
    }

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Block_wise_equals_scipy_label_for_every_connectivity_and_block_shape(string name)
    {
        var (input, outputs) = Fixture(name);
        var blockShapes = input.Shape.Count == 2 ? BlockShapes2D : BlockShapes3D;
        foreach (var (connectivity, expected, expectedCount) in outputs)
        {
            foreach (var blockShape in blockShapes)
            {
                var output = new ArraySource<ulong>(NdArray<ulong>.Allocate([.. input.Shape.Select(e => (int)e)]));
                long count = Label.Run(input, output, new RunOptions { Workers = 3, BlockShape = blockShape }, connectivity);
                string context = $"{name}, connectivity {connectivity}, blocks ({string.Join(", ", blockShape)})";
                Assert.True(expectedCount == count, $"{context}: {count} components, scipy has {expectedCount}");
                AssertLabels(expected, Read<ulong>(output), context);
            }
        }
    }

    [Theory]
    [InlineData("diagonals_3d", JobType.Subprocess, 3)]
    [InlineData("checkerboard_3d", JobType.Subprocess, 2)]
    [InlineData("spiral_2d", JobType.Subprocess, 2)]
    public void Worker_processes_write_the_same_labels_into_zarr(string name, JobType jobType, int connectivity)
    {
        var (input, outputs) = Fixture(name);
        var (_, expected, expectedCount) = outputs.Single(o => o.Connectivity == connectivity);
        long[] blockShape = input.Shape.Count == 2 ? [4, 6] : [3, 4, 5];
        var output = _fixture.Output(name, [.. input.Shape], DType.UInt32, [.. blockShape.Select(e => (int)e)]);
        Assert.Equal(expectedCount, Label.Run(input, output, _fixture.Options(jobType, 2, blockShape), connectivity));
        AssertLabels(expected, [.. OperationFixture.ReadAll<uint>(output).Select(v => (ulong)v)], name);
    }

    [Fact]
    public void Mask_limits_the_foreground_and_skipped_blocks_stay_background()
    {
        int[] shape = [13, 17, 19];
        var random = new Random(5);
        var values = NdArray<float>.Allocate(shape);
        var mask = NdArray<byte>.Allocate(shape);
        var expected = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values.Span[i] = random.NextSingle() < 0.55f ? 1 + random.NextSingle() : 0;
            mask.Span[i] = (byte)(i / (17 * 19) is < 4 or > 9 ? 1 : 0);
            expected[i] = values.Span[i] != 0 && mask.Span[i] != 0;
        }

        var wholeVolume = new ulong[expected.Length];
        long expectedCount = ConnectedComponents.Label(new ReadOnlySpan3D<bool>(expected, 13, 17, 19), new Span3D<ulong>(wholeVolume, 13, 17, 19), connectivity: 3);
        var output = new ArraySource<ulong>(NdArray<ulong>.Allocate(shape));
        var options = new RunOptions { Workers = 2, BlockShape = [2, 5, 7], Mask = new ArraySource<byte>(mask) };
        Assert.Equal(expectedCount, Label.Run(new ArraySource<float>(values), output, options, connectivity: 3));
        Assert.Equal(wholeVolume, Read<ulong>(output));
    }

    [Fact]
    public void Re_running_with_a_mask_clears_the_skipped_blocks_of_an_existing_output()
    {
        int[] shape = [8, 9, 10];
        var values = NdArray<byte>.Allocate(shape);
        var mask = NdArray<byte>.Allocate(shape);
        values.Span.Fill(1);
        mask.Span[..(4 * 9 * 10)].Fill(1);
        var stale = NdArray<ulong>.Allocate(shape);
        stale.Span.Fill(99);
        var output = new ArraySource<ulong>(stale);
        var options = new RunOptions { BlockShape = [4, 9, 5], Mask = new ArraySource<byte>(mask) };
        Assert.Equal(1, Label.Run(new ArraySource<byte>(values), output, options));
        ulong[] expected = [.. Enumerable.Range(0, stale.Length).Select(i => i < 4 * 9 * 10 ? 1UL : 0UL)];
        Assert.Equal(expected, Read<ulong>(output));
    }

    [Fact]
    public void A_failing_run_leaves_no_scratch_folder()
    {
        string tmpRoot = Path.Combine(_fixture.Directory, "failing");
        var input = new ArraySource<byte>(NdArray<byte>.Wrap([.. Enumerable.Range(0, 6 * 7 * 8).Select(i => (byte)(i % 3))], [6, 7, 8]));
        var error = Assert.Throws<RunnerException>(() => Label.Run(input, new FailingOutput([6, 7, 8]), new RunOptions { BlockShape = [3, 7, 4], TmpRoot = tmpRoot }));
        Assert.IsType<IOException>(error.InnerException);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmpRoot));
    }

    [Fact]
    public void One_dimensional_data_and_an_empty_volume()
    {
        var line = NdArray<short>.Wrap([0, -3, 2, 0, 0, 7, 7, 0, 1, 1, 1, 0, 9], [13]);
        var output = new ArraySource<ulong>(NdArray<ulong>.Allocate([13]));
        Assert.Equal(4, Label.Run(new ArraySource<short>(line), output, new RunOptions { BlockShape = [2] }));
        Assert.Equal([0UL, 1, 1, 0, 0, 2, 2, 0, 3, 3, 3, 0, 4], Read<ulong>(output));

        var empty = new ArraySource<ulong>(NdArray<ulong>.Allocate([5, 6, 7]));
        Assert.Equal(0, Label.Run(new ArraySource<byte>(NdArray<byte>.Allocate([5, 6, 7])), empty, new RunOptions { BlockShape = [2, 2, 2] }, 3));
        Assert.All(Read<ulong>(empty), label => Assert.Equal(0UL, label));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var input = new ArraySource<byte>(NdArray<byte>.Allocate([4, 5, 6]));
        var output = new ArraySource<ulong>(NdArray<ulong>.Allocate([4, 5, 6]));
        Assert.Contains("connectivity must be 1 to 3", Assert.Throws<OperationRefusedException>(() => Label.Run(input, output, new RunOptions(), 4)).Message, StringComparison.Ordinal);
        Assert.Contains("uint32 or uint64", Assert.Throws<OperationRefusedException>(() => Label.Run(input, new ArraySource<int>(NdArray<int>.Allocate([4, 5, 6])), new RunOptions())).Message, StringComparison.Ordinal);
        Assert.Contains("but label writes uint64 (4, 5, 6)", Assert.Throws<OperationRefusedException>(() => Label.Run(input, new ArraySource<ulong>(NdArray<ulong>.Allocate([4, 5, 7])), new RunOptions())).Message, StringComparison.Ordinal);
        Assert.Contains("whole volume", Assert.Throws<OperationRefusedException>(() => Label.Run(input, output, new RunOptions { Roi = new Region([0, 0, 0], [2, 2, 2]) })).Message, StringComparison.Ordinal);
        Assert.Contains("cannot re-run a subset of blocks", Assert.Throws<OperationRefusedException>(() => Label.Run(input, output, new RunOptions { BlockIds = [0] })).Message, StringComparison.Ordinal);
    }

    /// <summary>A fixture's input (thresholded when the case says so) and scipy's labels and count per connectivity.</summary>
    internal static (ISource Input, List<(int Connectivity, ulong[] Labels, long Count)> Outputs) Fixture(string name)
    {
        var entry = Cases.Value.RootElement.GetProperty("label").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        ISource input = Source.Open(RepoPaths.TestData("segmentation", entry.GetProperty("input").GetString()!));
        if (entry.GetProperty("threshold").ValueKind == JsonValueKind.Number)
        {
            input = new ThresholdSource(input, entry.GetProperty("threshold").GetDouble());
        }

        var outputs = new List<(int, ulong[], long)>();
        foreach (var output in entry.GetProperty("outputs").EnumerateObject())
        {
            using var labels = NpyFile.Read<int>(RepoPaths.TestData("segmentation", output.Value.GetProperty("labels").GetString()!));
            outputs.Add((int.Parse(output.Name, CultureInfo.InvariantCulture), [.. labels.ToArray().Select(v => (ulong)v)], output.Value.GetProperty("count").GetInt64()));
        }

        return (input, outputs);
    }

    internal static void AssertLabels(ulong[] expected, ulong[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{context}: voxel {i} is {actual[i]}, scipy has {expected[i]}");
            }
        }
    }

    private static T[] Read<T>(ArraySource<T> source)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        using var data = NdArray<T>.Allocate([.. source.Shape.Select(e => (int)e)]);
        var whole = Region.FromShape([.. source.Shape]);
        source.Read(whole, RegionView.Of(data, whole));
        return data.ToArray();
    }

    /// <summary>A uint64 output whose writes fail, as on a full disk.</summary>
    private sealed class FailingOutput(long[] shape) : ISource
    {
        public IReadOnlyList<long> Shape => shape;

        public DType DType => DType.UInt64;

        public IReadOnlyList<long>? Chunks => null;

        public bool Writable => true;

        public SourceSpec? Spec => null;

        public void Read<T>(Region region, Span3D<T> destination)
            where T : unmanaged, System.Numerics.INumber<T> => throw new NotSupportedException();

        public void Write<T>(Region region, ReadOnlySpan3D<T> source)
            where T : unmanaged, System.Numerics.INumber<T> => throw new IOException("No space left on device.");
    }
}
