using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise downsampling (blocks in output space, 3×4×5 on the ceil-mode target of 13×17×19) equals the
/// whole-volume resize or pooling kernel bit for bit on every backend; order 0 and pooling keep integer labels.
/// </summary>
public sealed class DownsampleOperationTests : IDisposable
{
    private static readonly long[] BlockShape = [3, 4, 5];
    private static readonly int[] Factor = [2, 3, 2];
    private readonly OperationFixture _fixture = new("downsample-");

    public static TheoryData<string, JobType, int> Cases()
    {
        var cases = new TheoryData<string, JobType, int>();
        foreach (string mode in new[] { "order0", "order1-aa", "order3", "mean", "mode" })
        {
            cases.Add(mode, JobType.Local, 1);
            cases.Add(mode, JobType.Local, 4);
            cases.Add(mode, JobType.Subprocess, 2);
        }

        return cases;
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Target_shape_is_ceil_mode()
    {
        var operation = new DownsampleOperation { Factor = [2, 3, 4] };
        Assert.Equal([7L, 6, 5], operation.OutputShape([13, 17, 19]));
        Assert.Equal([5L, 5], new DownsampleOperation { Factor = [2] }.OutputShape([10, 9]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_wise_equals_the_whole_volume_kernel(string mode, JobType jobType, int workers)
    {
        var options = _fixture.Options(jobType, workers, BlockShape);
        if (mode is "order0" or "mode")
        {
            var (path, labels) = _fixture.Input<ushort>("labels", v => (ushort)(v * 7));
            using (labels)
            {
                var operation = DownsampleOperation.For(Source.Open(path), Factor, method: mode == "mode" ? PoolingMethod.Mode : null);
                Assert.Equal(DType.UInt16, operation.OutputDType(DType.UInt16));
                AssertEqual(_fixture, operation, labels, DType.UInt16, options);
            }
        }
        else
        {
            var (path, data) = _fixture.Input<float>("volume", v => v);
            using (data)
            {
                var operation = DownsampleOperation.For(Source.Open(path), Factor, order: mode == "order3" ? 3 : 1, antiAliasing: mode == "order1-aa", method: mode == "mean" ? PoolingMethod.Mean : null);
                AssertEqual(_fixture, operation, data, DType.Float32, options);
            }
        }
    }

    [Fact]
    public void Integer_input_with_linear_order_writes_float32()
    {
        var operation = new DownsampleOperation { Order = 1 };
        Assert.Equal(DType.Float32, operation.OutputDType(DType.UInt8));
        Assert.Equal(DType.Float64, operation.OutputDType(DType.Float64));
        Assert.Equal(DType.UInt8, new DownsampleOperation { Order = 1, Method = PoolingMethod.Max }.OutputDType(DType.UInt8));
    }

    [Fact]
    public void Bad_factors_and_orders_are_refused()
    {
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => new DownsampleOperation { Factor = [2, 0, 2] }.Validate(3)).Message, StringComparison.Ordinal);
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => new DownsampleOperation { Factor = [2, 2] }.Validate(3)).Message, StringComparison.Ordinal);
        Assert.Contains("order", Assert.Throws<ArgumentException>(() => new DownsampleOperation { Order = 6 }.Validate(3)).Message, StringComparison.Ordinal);
    }

    internal static void AssertEqual<T>(OperationFixture fixture, DownsampleOperation operation, NdArray<T> input, DType dtype, RunOptions options, string name = "out")
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var shape = operation.OutputShape([.. input.Shape.ToArray().Select(e => (long)e)]);
        var output = fixture.Output(name, shape, dtype, [3, 4, 5]);
        Runner.Run(operation, [], [output], options);
        Assert.Equal(WholeVolume(operation, input, shape), OperationFixture.ReadAll<T>(output));
    }

    /// <summary>The whole-volume kernel result, computed directly.</summary>
    private static T[] WholeVolume<T>(DownsampleOperation operation, NdArray<T> input, long[] outputShape)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var inShape = new Index3(input.Shape[0], input.Shape[1], input.Shape[2]);
        var outShape = new Index3((int)outputShape[0], (int)outputShape[1], (int)outputShape[2]);
        var view = new ReadOnlyMemory3D<T>(input.Memory, inShape.Z, inShape.Y, inShape.X);
        var result = new T[outShape.Z * outShape.Y * outShape.X];
        var target = new Memory3D<T>(result, outShape.Z, outShape.Y, outShape.X);
        if (operation.Method is { } method)
        {
            Resampling.Pool(view, target, new Index3(Factor[0], Factor[1], Factor[2]), method);
            return result;
        }

        var plan = new ResizePlan(inShape, outShape, operation.Order, operation.AntiAliasing);
        if (plan.IsNearest)
        {
            Resampling.ResizeNearest(view, target, plan);
        }
        else
        {
            var floats = new ReadOnlyMemory3D<float>((float[])(object)input.ToArray(), inShape.Z, inShape.Y, inShape.X);
            Resampling.Resize(floats, new Memory3D<float>((float[])(object)result, outShape.Z, outShape.Y, outShape.X), plan);
        }

        return result;
    }
}
