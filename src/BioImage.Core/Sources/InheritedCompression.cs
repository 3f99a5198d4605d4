using BioImage.Storage;
using BioImage.Storage.Codecs;

namespace BioImage.Sources;

/// <summary>
/// The compressor of an existing chunked array, for new arrays derived from it: an output is stored the way its input
/// is (an uncompressed input gives an uncompressed output) unless <c>--codec</c> says otherwise.
/// </summary>
/// <param name="Codec">The compressor; null for uncompressed (raw) chunks.</param>
public sealed record InheritedCompression(IBytesToBytesCodec? Codec)
{
    /// <summary>
    /// The single compressor of <paramref name="array"/>'s chunks (inside shards too), without checksums and in a form
    /// every format writes; null when its codecs have no single compressor to carry over.
    /// </summary>
    public static InheritedCompression? Of(ChunkedArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var chain = array.Metadata.Codecs.ArrayToBytes is ShardingCodec sharding ? sharding.Codecs : array.Metadata.Codecs;
        if (chain.ArrayToBytes is N5BlockCodec n5)
        {
            return new InheritedCompression(Writable(n5.Compression));
        }

        var compressors = chain.BytesToBytes.Where(codec => codec is not Crc32cCodec).ToArray();
        return compressors.Length switch
        {
            0 => new InheritedCompression(Codec: null),
            1 => new InheritedCompression(Writable(compressors[0])),
            _ => null,
        };
    }

    // N5's framed lz4 becomes plain lz4 (N5 outputs frame it again); blosc's type size follows the output's dtype.
    private static IBytesToBytesCodec? Writable(IBytesToBytesCodec? codec) => codec switch
    {
        N5Lz4Codec => new Lz4Codec(),
        BloscCodec blosc => blosc with { TypeSize = 0 },
        _ => codec,
    };
}
