using BioImage.Storage.Codecs;

namespace BioImage.Core.Tests.Storage.Codecs;

/// <summary>The transpose codec against numpy's <c>transpose(order)</c> for every permutation of 3 axes and 2-byte elements.</summary>
public class TransposeCodecTests
{
    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(0, 2, 1)]
    [InlineData(1, 0, 2)]
    [InlineData(1, 2, 0)]
    [InlineData(2, 0, 1)]
    [InlineData(2, 1, 0)]
    public void Encoding_equals_numpy_transpose_and_decoding_undoes_it(int a, int b, int c)
    {
        int[] order = [a, b, c];
        var spec = new ChunkSpec([5, 8, 3], DType.UInt16, new byte[2]);
        var decoded = Enumerable.Range(0, 120).SelectMany(i => BitConverter.GetBytes((ushort)(i * 3))).ToArray();
        var codec = new TransposeCodec(order);
        var encoded = new byte[decoded.Length];
        codec.Encode(decoded, encoded, spec);
        string expected = Python.Run("import numpy as np, sys; o=[int(x) for x in sys.argv[1:]]; print(np.ascontiguousarray((np.arange(120, dtype='<u2')*3).reshape(5,8,3).transpose(o)).tobytes().hex())", $"{a}", $"{b}", $"{c}").Trim();
        Assert.Equal(expected, Convert.ToHexStringLower(encoded));
        Assert.Equal(order.Select(axis => spec.Shape[axis]), codec.Resolve(spec).Shape);
        var back = new byte[decoded.Length];
        codec.Decode(encoded, back, spec);
        Assert.Equal(decoded, back);
    }
}
