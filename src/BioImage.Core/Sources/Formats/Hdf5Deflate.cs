using System.IO.Compression;
using System.Runtime.InteropServices;
using PureHDF.Filters;

namespace BioImage.Sources.Formats;

/// <summary>
/// The HDF5 deflate filter (id 1) at every zlib level 0–9. PureHDF 2.2's own filter compresses only at levels 0, 1, 6
/// and 9 and throws for the others, among them h5py's default gzip level 4, so a file written by h5py could not be
/// rewritten with its compression. Registered once in place of PureHDF's (it decodes the same way), before any write.
/// </summary>
internal sealed class Hdf5Deflate : IH5Filter
{
    private static readonly Lazy<bool> Registration = new(() =>
    {
        H5Filter.Register(new Hdf5Deflate());
        return true;
    });

    /// <inheritdoc />
    public ushort FilterId => DeflateFilter.Id;

    /// <inheritdoc />
    public string Name => "deflate";

    /// <summary>Replaces PureHDF's deflate filter with this one (idempotent, thread-safe).</summary>
    public static void Register() => _ = Registration.Value;

    /// <inheritdoc />
    public Memory<byte> Filter(FilterInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Flags.HasFlag(H5FilterFlags.Decompress))
        {
            using var compressed = MemoryMarshal.TryGetArray<byte>(info.Buffer, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(info.Buffer.ToArray(), writable: false);
            using var inflated = new MemoryStream(info.ChunkSize);
            using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            return inflated.GetBuffer().AsMemory(0, (int)inflated.Length);
        }

        int level = info.Parameters.Length > 0 ? (int)info.Parameters[0] : 6;
        using var output = new MemoryStream(info.ChunkSize / 2);
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            zlib.Write(info.Buffer.Span);
        }

        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }

    /// <inheritdoc />
    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options)
    {
        int level = options is not null && options.TryGetValue(DeflateFilter.COMPRESSION_LEVEL, out object? value) ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 6;
        return level is >= 0 and <= 9
            ? [(uint)level]
            : throw new ArgumentOutOfRangeException(nameof(options), level, "The deflate level must be 0 to 9.");
    }
}
