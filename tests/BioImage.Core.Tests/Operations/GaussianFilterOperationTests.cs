using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise Gaussian filters equal the whole-volume kernels bit for bit on every backend (odd shape 13×17×19,
/// blocks 4×5×6 that divide no axis, anisotropic σ), for float32 and float64, also with blocks whose rows start at
/// odd x offsets (so a voxel sits in another vector lane or in the row tail than in the whole-volume run); the
/// kernels themselves are checked against scipy in the kernel tests.
/// </summary>
public sealed class GaussianFilterOperationTests : IDisposable
{
    private static readonly long[] BlockShape = [4, 5, 6];
    private readonly OperationFixture _fixture = new("filterops-");

    public static TheoryData<GaussianFilter, JobType, int> Cases()
    {
        var cases = new TheoryData<GaussianFilter, JobType, int>();
        foreach (var filter in Enum.GetValues<GaussianFilter>())
        {
            cases.Add(filter, JobType.Local, 1);
            cases.Add(filter, JobType.Local, 4);
            cases.Add(filter, JobType.Subprocess, 2);
        }

        return cases;
    }

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_wise_equals_the_whole_volume_kernel(GaussianFilter filter, JobType jobType, int workers)
    {
        var operation = new GaussianFilterOperation { Filter = filter, Sigma = [1.5, 1.0, 2.0], OuterSigma = OuterFor(filter) };
        AssertBlockWiseExact<float>(_fixture, operation, _fixture.Options(jobType, workers, BlockShape));
    }

    public static TheoryData<GaussianFilter, bool> PrecisionCases()
    {
        var cases = new TheoryData<GaussianFilter, bool>();
        foreach (var filter in Enum.GetValues<GaussianFilter>())
        {
            cases.Add(filter, false);
            cases.Add(filter, true);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(PrecisionCases))]
    public void Block_wise_is_bit_identical_in_both_precisions_at_odd_row_offsets(GaussianFilter filter, bool doublePrecision)
    {
        var operation = new GaussianFilterOperation { Filter = filter, Sigma = [1.2, 0.9, 1.7], OuterSigma = OuterFor(filter) };
        foreach (long[] blockShape in new[] { new long[] { 3, 4, 5 }, [5, 3, 7], [13, 17, 9] })
        {
            var options = _fixture.Options(JobType.Local, 2, blockShape);
            if (doublePrecision)
            {
                AssertBlockWiseExact<double>(_fixture, operation, options);
            }
            else
            {
                AssertBlockWiseExact<float>(_fixture, operation, options);
            }
        }
    }

    [Theory]
    [InlineData(GaussianFilter.HessianOfGaussianEigenvalues, 0)]
    [InlineData(GaussianFilter.StructureTensorEigenvalues, 2)]
    public void Return_channel_writes_that_eigenvalue_only(GaussianFilter filter, int channel)
    {
        var (path, data) = _fixture.Input<float>("input", v => v);
        using (data)
        {
            var all = new GaussianFilterOperation { Filter = filter, Sigma = [1.2], OuterSigma = OuterFor(filter) };
            var one = new GaussianFilterOperation { Filter = filter, Sigma = [1.2], OuterSigma = OuterFor(filter), ReturnChannel = channel };
            long[] shape = [.. data.Shape.ToArray().Select(e => (long)e)];
            Assert.Equal(shape, one.OutputShape(shape));
            var expected = WholeVolume(all, data);
            int voxels = data.Length;
            var output = _fixture.Output("channel", shape, DType.Float32, [4, 5, 6]);
            Runner.Run(one, [Source.Open(path)], [output], _fixture.Options(JobType.Local, 2, BlockShape));
            Assert.Equal(expected.AsSpan(channel * voxels, voxels).ToArray(), OperationFixture.ReadAll<float>(output));
        }
    }

    [Theory]
    [InlineData(GaussianFilter.GaussianSmoothing, JobType.Local)]
    [InlineData(GaussianFilter.GaussianSmoothing, JobType.Subprocess)]
    [InlineData(GaussianFilter.HessianOfGaussianEigenvalues, JobType.Local)]
    [InlineData(GaussianFilter.HessianOfGaussianEigenvalues, JobType.Subprocess)]
    public void With_a_mask_only_in_mask_voxels_are_written(GaussianFilter filter, JobType jobType)
    {
        const float Untouched = -7.25f;
        var (path, data) = _fixture.Input<float>("masked-input", v => v);
        using (data)
        {
            var operation = new GaussianFilterOperation { Filter = filter, Sigma = [1.5, 1.0, 2.0] };
            var expected = WholeVolume(operation, data);
            using var mask = NdArray<byte>.Allocate(OperationFixture.Shape);
            var maskView = mask.AsSpan3D();
            for (int z = 2; z < 9; z++)
            {
                for (int y = 3; y < 12; y++)
                {
                    for (int x = 4; x < 15; x++)
                    {
                        maskView[z, y, x] = (byte)((z + y + x) % 3 == 0 ? 0 : 1 + (x % 2)); // any non-zero counts
                    }
                }
            }

            string maskPath = Path.Combine(_fixture.Directory, "mask.npy");
            NpyFile.Write(maskPath, mask);
            var shape = operation.OutputShape([.. OperationFixture.Shape.Select(e => (long)e)]);
            int[] chunks = shape.Length == 4 ? [1, 4, 5, 6] : [4, 5, 6];
            var output = _fixture.Output("masked-" + jobType, shape, DType.Float32, chunks);
            using (var filled = NdArray<float>.Allocate([.. shape.Select(e => (int)e)]))
            {
                filled.Span.Fill(Untouched);
                BlockData.Write(output, Region.FromShape(shape), filled);
            }

            Runner.Run(operation, [Source.Open(path)], [output], _fixture.Options(jobType, 2, BlockShape) with { Mask = Source.Open(maskPath) });
            var actual = OperationFixture.ReadAll<float>(output);
            int voxels = mask.Length, inside = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                bool masked = mask.Span[i % voxels] != 0;
                inside += masked ? 1 : 0;
                Assert.True(masked ? actual[i] == expected[i] : actual[i] == Untouched, $"voxel {i} (inside the mask: {masked}): {actual[i]}, expected {(masked ? expected[i] : Untouched)}");
            }

            Assert.InRange(inside, 1, actual.Length - 1);
        }
    }

    [Fact]
    public void Integer_input_is_filtered_as_float32_and_float64_stays_float64()
    {
        var (bytePath, bytes) = _fixture.Input<byte>("bytes", v => (byte)Math.Clamp(v * 255, 0, 255));
        using (bytes)
        {
            using var converted = NdArray<float>.Allocate(bytes.Shape);
            VoxelConversion.Convert<byte, float>(bytes.Span, converted.Span);
            var operation = new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, Sigma = [2] };
            var output = _fixture.Output("bytes-out", [.. OperationFixture.Shape.Select(e => (long)e)], DType.Float32, [4, 5, 6]);
            Runner.Run(operation, [Source.Open(bytePath)], [output], _fixture.Options(JobType.Local, 2, BlockShape));
            Assert.Equal(WholeVolume(operation, converted), OperationFixture.ReadAll<float>(output));
        }

        var (doublePath, doubles) = _fixture.Input<double>("doubles", v => v);
        using (doubles)
        {
            var operation = new GaussianFilterOperation { Filter = GaussianFilter.GaussianGradientMagnitude, Sigma = [1.3] };
            var output = _fixture.Output("doubles-out", [.. OperationFixture.Shape.Select(e => (long)e)], DType.Float64, [4, 5, 6]);
            Runner.Run(operation, [Source.Open(doublePath)], [output], _fixture.Options(JobType.Local, 2, BlockShape));
            Assert.Equal(WholeVolume(operation, doubles), OperationFixture.ReadAll<double>(output));
        }
    }

    [Fact]
    public void Halo_is_the_kernel_radius()
    {
        var smoothing = new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, Sigma = [1.0, 2.0, 0.5] };
        Assert.Equal([4L, 8, 2], smoothing.GetHalo(3));
        var tensor = new GaussianFilterOperation { Filter = GaussianFilter.StructureTensorEigenvalues, Sigma = [1.0], OuterSigma = [2.0] };
        Assert.Equal([12L, 12], tensor.GetHalo(2));
    }

    [Fact]
    public void Bad_parameters_are_refused_with_their_name()
    {
        Assert.Contains("outer scale", Assert.Throws<ArgumentException>(() => new GaussianFilterOperation { Filter = GaussianFilter.StructureTensorEigenvalues }.Validate(3)).Message, StringComparison.Ordinal);
        Assert.Contains("return channel", Assert.Throws<ArgumentException>(() => new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, ReturnChannel = 0 }.Validate(3)).Message, StringComparison.Ordinal);
        Assert.Contains("Sigma", Assert.Throws<ArgumentException>(() => new GaussianFilterOperation { Sigma = [1, 2] }.Validate(3)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianFilterOperation { Sigma = [-1] }.Validate(3));
    }

    /// <summary>
    /// Runs <paramref name="operation"/> block-wise on a <typeparamref name="T"/> input and compares with the
    /// whole-volume kernel bit for bit (compared as raw bits, so NaN and −0 count too).
    /// </summary>
    internal static void AssertBlockWiseExact<T>(OperationFixture fixture, GaussianFilterOperation operation, RunOptions options)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string name = $"{operation.Filter}-{typeof(T).Name}-{string.Join('x', options.BlockShape ?? [])}";
        var (path, data) = fixture.Input("input-" + name, v => T.CreateChecked(v));
        using (data)
        {
            var expected = WholeVolume(operation, data);
            var shape = operation.OutputShape([.. data.Shape.ToArray().Select(e => (long)e)]);
            int[] block = [.. (options.BlockShape ?? BlockShape).Select(e => (int)e)];
            int[] chunks = shape.Length == 4 ? [1, .. block] : block;
            var output = fixture.Output("out-" + name, shape, typeof(T) == typeof(double) ? DType.Float64 : DType.Float32, chunks);
            Runner.Run(operation, [Source.Open(path)], [output], options);
            var actual = OperationFixture.ReadAll<T>(output);
            Assert.Equal(expected.Length, actual.Length);
            int differing = 0, first = -1;
            for (int i = 0; i < expected.Length; i++)
            {
                if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.AsSpan(i, 1)).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual.AsSpan(i, 1))))
                {
                    differing++;
                    first = first < 0 ? i : first;
                }
            }

            Assert.True(differing == 0, $"{name}: {differing} of {expected.Length} values differ from the whole-volume run; first at {first}: {(first < 0 ? default : expected[first])} vs {(first < 0 ? default : actual[first])}.");
        }
    }

    internal static double[]? OuterFor(GaussianFilter filter) => filter switch
    {
        GaussianFilter.StructureTensorEigenvalues => [2.0, 1.0, 1.5],
        GaussianFilter.DifferenceOfGaussians => [2.5, 2.0, 3.0],
        _ => null,
    };

    /// <summary>The whole-volume kernel result (channel-first for the eigenvalue filters), computed directly.</summary>
    internal static T[] WholeVolume<T>(GaussianFilterOperation operation, NdArray<T> input)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int[] shape = input.Shape.ToArray();
        var options = new FilterOptions(Scales(operation.Sigma));
        var view = new ReadOnlyMemory3D<T>(input.Memory, shape[0], shape[1], shape[2]);
        int voxels = input.Length;
        bool channels = operation.IsMultiChannel;
        var result = new T[channels ? 3 * voxels : voxels];
        Memory3D<T> Channel(int c) => new(result.AsMemory(c * voxels, voxels), shape[0], shape[1], shape[2]);
        switch (operation.Filter)
        {
            case GaussianFilter.GaussianSmoothing:
                GaussianFilters.GaussianSmoothing(view, Channel(0), options);
                break;
            case GaussianFilter.GaussianGradientMagnitude:
                GaussianFilters.GaussianGradientMagnitude(view, Channel(0), options);
                break;
            case GaussianFilter.LaplacianOfGaussian:
                GaussianFilters.LaplacianOfGaussian(view, Channel(0), options);
                break;
            case GaussianFilter.DifferenceOfGaussians:
                GaussianFilters.DifferenceOfGaussians(view, Channel(0), options, Scales(operation.OuterSigma!));
                break;
            case GaussianFilter.HessianOfGaussianEigenvalues:
                GaussianFilters.HessianOfGaussianEigenvalues(view, [Channel(0), Channel(1), Channel(2)], options);
                break;
            default:
                GaussianFilters.StructureTensorEigenvalues(view, [Channel(0), Channel(1), Channel(2)], options, Scales(operation.OuterSigma!));
                break;
        }

        return result;
    }

    private static AxisScales Scales(double[] sigma) => sigma.Length == 1 ? AxisScales.Isotropic(sigma[0]) : new AxisScales(sigma[0], sigma[1], sigma[2]);
}
