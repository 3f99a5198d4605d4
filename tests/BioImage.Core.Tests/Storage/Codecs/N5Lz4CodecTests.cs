using BioImage.Storage.Codecs;

namespace BioImage.Core.Tests.Storage.Codecs;

/// <summary>N5's lz4 (lz4-java LZ4Block stream) against python-lz4 and python-xxhash, which check every block of what we write.</summary>
public class N5Lz4CodecTests
{
    private const string Script = """
import struct, sys
import lz4.block, xxhash
data = open(sys.argv[1], 'rb').read()
out, pos = bytearray(), 0
while True:
    assert data[pos:pos + 8] == b'LZ4Block', 'missing magic at %d' % pos
    token = data[pos + 8]
    clen, olen, check = struct.unpack('<iii', data[pos + 9:pos + 21])
    pos += 21
    if clen == 0 and olen == 0:
        break
    body = data[pos:pos + clen]
    block = body if token & 0xF0 == 0x10 else lz4.block.decompress(body, uncompressed_size=olen)
    assert len(block) == olen and (xxhash.xxh32(block, seed=0x9747B28C).intdigest() & 0x0FFFFFFF) == check, 'bad block at %d' % pos
    out += block
    pos += clen
assert pos == len(data)
sys.stdout.write(bytes(out).hex())
""";

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public void Python_lz4_and_xxhash_accept_our_blocks_and_we_decode_them_back(int length)
    {
        var data = CodecInteropTests.Data(DType.UInt16, length / 2);
        data.AsSpan(data.Length / 2).Clear();
        var codec = new N5Lz4Codec();
        var spec = new ChunkSpec([length / 2], DType.UInt16, new byte[2]);
        var encoded = new byte[codec.MaxEncodedLength(data.Length)];
        int written = codec.Encode(data, encoded, spec);
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, encoded[..written]);
            Assert.Equal(Convert.ToHexStringLower(data), Python.Run(Script, file));
        }
        finally
        {
            File.Delete(file);
        }

        var back = new byte[data.Length];
        Assert.Equal(data.Length, codec.Decode(encoded.AsSpan(0, written), back, spec));
        Assert.Equal(data, back);
        if (length > 0)
        {
            encoded[written - 30] ^= 0x55;
            Assert.Throws<InvalidDataException>(() => codec.Decode(encoded.AsSpan(0, written), back, spec));
        }
    }
}
