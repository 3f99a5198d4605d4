namespace BioImage.Core.Tests.Core;

public class NdArrayTests
{
    [Fact]
    public void Allocate_clears_by_default_and_indexes_in_C_order()
    {
        using var array = NdArray<int>.Allocate([2, 3, 4]);
        Assert.Equal(24, array.Length);
        Assert.Equal(3, array.Rank);
        Assert.Equal(DType.Int32, array.DType);
        Assert.All(array.ToArray(), v => Assert.Equal(0, v));
        array[1, 2, 3] = 42;
        Assert.Equal(42, array.Span[(1 * 12) + (2 * 4) + 3]);
        Assert.Equal(42, array.AsSpan3D()[1, 2, 3]);
        Assert.Equal(23, array.OffsetOf([1, 2, 3]));
    }

    [Fact]
    public void Pooled_memory_is_reused_and_cleared_on_request()
    {
        var first = NdArray<long>.Allocate([1000]);
        first.Span.Fill(7);
        first.Dispose();
        using var second = NdArray<long>.Allocate([1000]);
        Assert.All(second.ToArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Views_of_other_ranks()
    {
        using var vector = NdArray<float>.Allocate([5]);
        Assert.Equal((1, 1, 5), (vector.AsSpan3D().Depth, vector.AsSpan3D().Height, vector.AsSpan3D().Width));
        using var channels = NdArray<float>.Allocate([2, 3, 4, 5]);
        channels[1, 2, 3, 4] = 1;
        var folded = channels.AsSpan3D();
        Assert.Equal((6, 4, 5), (folded.Depth, folded.Height, folded.Width));
        Assert.Equal(1, folded[5, 3, 4]);
        using var scalar = NdArray<byte>.Allocate([]);
        Assert.Equal(1, scalar.Length);
    }

    [Fact]
    public void Wrap_uses_the_given_buffer()
    {
        var data = Enumerable.Range(0, 6).ToArray();
        using var array = NdArray<int>.Wrap(data, [2, 3]);
        array[0, 1] = -1;
        Assert.Equal(-1, data[1]);
        Assert.Throws<ArgumentException>(() => NdArray<int>.Wrap(data, [2, 2]));
    }

    [Fact]
    public void Bad_shapes_indices_and_use_after_dispose()
    {
        Assert.Throws<ArgumentException>(() => NdArray<int>.Allocate([2, -1]));
        Assert.Contains("block-wise", Assert.Throws<ArgumentException>(() => NdArray<byte>.Allocate([2048, 2048, 2048])).Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => NdArray<char>.Allocate([2]));
        var array = NdArray<int>.Allocate([2, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => array[2, 0]);
        Assert.Throws<ArgumentException>(() => array[0]);
        array.Dispose();
        Assert.Throws<ObjectDisposedException>(() => array.Span.Length);
        array.Dispose();
        using var empty = NdArray<int>.Allocate([0, 5]);
        Assert.Equal(0, empty.Length);
    }
}
