using System.Globalization;

namespace BioImage.Storage.Codecs;

/// <summary>
/// Compressors written as short command-line specs: <c>raw</c>, <c>zstd[:LEVEL]</c>, <c>gzip[:LEVEL]</c>,
/// <c>zlib[:LEVEL]</c>, <c>lz4[:ACCELERATION]</c>, <c>blosc[:CNAME[:CLEVEL[:noshuffle|shuffle|bitshuffle]]]</c>.
/// </summary>
public static class CompressorSpec
{
    /// <summary>The forms <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string Forms = "raw, zstd:LEVEL, gzip:LEVEL, zlib:LEVEL, lz4:ACCELERATION, blosc:CNAME:CLEVEL:SHUFFLE (e.g. zstd:3, blosc:lz4:5:shuffle, gzip:6)";

    /// <summary>The compressor a spec names; null for <c>raw</c>.</summary>
    /// <exception cref="ArgumentException">The spec is not one of <see cref="Forms"/>.</exception>
    public static IBytesToBytesCodec? Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Trim().ToLowerInvariant().Split(':');
        try
        {
            return parts[0] switch
            {
                "raw" or "none" when parts.Length == 1 => null,
                "zstd" when parts.Length <= 2 => new ZstdCodec(Level(parts, 1, 3, -131072, 22)),
                "gzip" when parts.Length <= 2 => new DeflateCodec(Level(parts, 1, 6, 0, 9)),
                "zlib" when parts.Length <= 2 => new DeflateCodec(Level(parts, 1, 6, 0, 9), Zlib: true),
                "lz4" when parts.Length <= 2 => new Lz4Codec(Level(parts, 1, 1, 1, 65537)),
                "blosc" when parts.Length <= 4 => new BloscCodec(
                    parts.Length > 1 ? parts[1] is "lz4" or "lz4hc" or "zstd" or "zlib" ? parts[1] : throw new FormatException($"blosc cname '{parts[1]}' is not lz4, lz4hc, zstd or zlib") : "lz4",
                    Level(parts, 2, 5, 0, 9),
                    parts.Length > 3 ? parts[3] switch
                    {
                        "noshuffle" => BloscShuffle.NoShuffle,
                        "shuffle" => BloscShuffle.Shuffle,
                        "bitshuffle" => BloscShuffle.BitShuffle,
                        var other => throw new FormatException($"blosc shuffle '{other}' is not noshuffle, shuffle or bitshuffle"),
                    } : BloscShuffle.Shuffle),
                _ => throw new FormatException("unknown compressor"),
            };
        }
        catch (FormatException error)
        {
            throw new ArgumentException($"Codec '{spec}' is not valid ({error.Message}); expected one of: {Forms}.", nameof(spec), error);
        }
    }

    private static int Level(string[] parts, int index, int fallback, int min, int max)
    {
        if (parts.Length <= index)
        {
            return fallback;
        }

        return int.TryParse(parts[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new FormatException($"'{parts[index]}' is not a number in [{min}, {max}]");
    }
}
