using System.Runtime.InteropServices;

namespace BioImage.Core.Tests.Core;

public class DTypeTests
{
    [Theory]
    [InlineData("bool", DType.Bool, 1, typeof(bool))]
    [InlineData("uint8", DType.UInt8, 1, typeof(byte))]
    [InlineData("uint16", DType.UInt16, 2, typeof(ushort))]
    [InlineData("uint32", DType.UInt32, 4, typeof(uint))]
    [InlineData("uint64", DType.UInt64, 8, typeof(ulong))]
    [InlineData("int8", DType.Int8, 1, typeof(sbyte))]
    [InlineData("int16", DType.Int16, 2, typeof(short))]
    [InlineData("int32", DType.Int32, 4, typeof(int))]
    [InlineData("int64", DType.Int64, 8, typeof(long))]
    [InlineData("float32", DType.Float32, 4, typeof(float))]
    [InlineData("float64", DType.Float64, 8, typeof(double))]
    public void Names_sizes_and_types_round_trip(string name, DType dtype, int size, Type clrType)
    {
        Assert.Equal(dtype, DTypes.Parse(name));
        Assert.Equal(dtype, DTypes.Parse(name.ToUpperInvariant()));
        Assert.Equal(name, dtype.NumpyName());
        Assert.Equal(size, dtype.ItemSize());
        Assert.Equal(clrType, dtype.ClrType());
        Assert.Equal(size, Marshal.SizeOf(clrType == typeof(bool) ? typeof(byte) : clrType));
    }

    [Fact]
    public void Of_maps_element_types_back()
    {
        Assert.Equal(DType.Bool, DTypes.Of<bool>());
        Assert.Equal(DType.UInt16, DTypes.Of<ushort>());
        Assert.Equal(DType.Float64, DTypes.Of<double>());
        Assert.Throws<NotSupportedException>(() => DTypes.Of<char>());
        Assert.Equal(11, DTypes.All.Count);
    }

    [Fact]
    public void Classification()
    {
        Assert.True(DType.Float32.IsFloatingPoint());
        Assert.False(DType.Int32.IsFloatingPoint());
        Assert.True(DType.UInt8.IsInteger());
        Assert.False(DType.Bool.IsInteger());
        Assert.True(DType.Int8.IsSigned());
        Assert.False(DType.UInt64.IsSigned());
        Assert.True(DType.Float64.IsSigned());
    }

    [Theory]
    [InlineData("uint9")]
    [InlineData("")]
    [InlineData("float")]
    [InlineData("<u2")]
    public void Unknown_names_are_rejected_with_the_valid_list(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DTypes.Parse(name));
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("uint8, uint16", error.Message, StringComparison.Ordinal);
        Assert.False(DTypes.TryParse(name, out _));
    }

    [Fact]
    public void Dispatch_calls_the_matching_generic()
    {
        foreach (var dtype in DTypes.All)
        {
            var expected = dtype == DType.Bool ? typeof(byte) : dtype.ClrType();
            Assert.Equal(expected, dtype.Dispatch(new TypeOfFunc()));
        }
    }

    private sealed class TypeOfFunc : IDTypeFunc<Type>
    {
        public Type Invoke<T>()
            where T : unmanaged, System.Numerics.INumber<T> => typeof(T);
    }
}
