using System.Buffers.Binary;
using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Formats;

/// <summary>
/// An MRC2014 file (.mrc, .rec, .map; cryo-EM maps and tomograms) as a read-only source, with our own header reader
/// (format: https://www.ccpem.ac.uk/mrc_format/mrc2014.php). Modes 0 (int8), 1 (int16), 2 (float32), 6 (uint16) and
/// 12 (float16, presented as float32); little- or big-endian by the machine stamp (a bad stamp is read as
/// little-endian, and retried big-endian when the mode is then invalid, as mrcfile's permissive mode does).
/// </summary>
/// <remarks>
/// Axes as bioimage-py presents them: the data shape is mrcfile's ((nz, ny, nx), or (ny, nx) for a single image
/// with ispg 0) with axis 1 of 3D data (axis 0 of 2D data) flipped, so that the array is (z, y, x) with y pointing
/// down. Volume stacks (ispg 401–630) are not supported.
/// </remarks>
public sealed class MrcSource : ISource
{
    private const int HeaderSize = 1024;
    private readonly RawVolume _volume;

    private MrcSource(SourceSpec spec, IReadOnlyList<long> shape, RawElements elements, long dataOffset, int mode)
    {
        Spec = spec;
        Shape = shape;
        Mode = mode;
        DType = elements.Float16 ? DType.Float32 : elements.Stored;
        IsBigEndian = elements.BigEndian;
        _volume = new RawVolume(spec.Path, null, dataOffset, shape, elements, flipRows: true);
    }

    /// <summary>The MRC mode number (0, 1, 2, 6 or 12).</summary>
    public int Mode { get; }

    /// <summary>True when the file stores its values big-endian.</summary>
    public bool IsBigEndian { get; }

    /// <summary>Opens the .mrc file a spec names (key: none or "data").</summary>
    public static ISource Open(SourceSpec spec)
    {
        SourceAccess.RequireSingleReadOnlyVolume(spec, "MRC");

        byte[] header = ReadHeader(spec.Path);
        bool bigEndian = header[212] == 0x11;
        int mode = ReadInt32(header, 12, bigEndian);
        if (!IsKnownMode(mode) && header[212] is not (0x11 or 0x44))
        {
            bigEndian = true;
            mode = ReadInt32(header, 12, bigEndian);
        }

        var elements = mode switch
        {
            0 => new RawElements(DType.Int8, false, bigEndian),
            1 => new RawElements(DType.Int16, false, bigEndian),
            2 => new RawElements(DType.Float32, false, bigEndian),
            6 => new RawElements(DType.UInt16, false, bigEndian),
            12 => new RawElements(DType.Float32, true, bigEndian),
            _ => throw new InvalidDataException($"{spec.Path}: MRC mode {ReadInt32(header, 12, header[212] == 0x11)} is not supported; expected 0 (int8), 1 (int16), 2 (float32), 6 (uint16) or 12 (float16). Complex (3, 4) and 4-bit (101) data are not read."),
        };
        int nx = ReadInt32(header, 0, bigEndian);
        int ny = ReadInt32(header, 4, bigEndian);
        int nz = ReadInt32(header, 8, bigEndian);
        int ispg = ReadInt32(header, 88, bigEndian);
        int extendedHeader = ReadInt32(header, 92, bigEndian);
        if (nx < 1 || ny < 1 || nz < 1 || extendedHeader < 0)
        {
            throw new InvalidDataException($"{spec.Path}: invalid MRC header (nx={nx}, ny={ny}, nz={nz}, nsymbt={extendedHeader}); expected positive sizes.");
        }

        if (ispg is >= 401 and <= 630)
        {
            throw new InvalidDataException($"{spec.Path} is an MRC volume stack (ispg {ispg}, 4 axes); only images, image stacks and single volumes (ispg 0 or 1) are supported.");
        }

        long[] shape = ispg == 0 && nz == 1 ? [ny, nx] : [nz, ny, nx];
        return new MrcSource(spec with { Key = spec.Key is "" ? null : spec.Key }, shape, elements, HeaderSize + (long)extendedHeader, mode);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks => null;

    /// <inheritdoc />
    public bool Writable => false;

    /// <inheritdoc />
    public SourceSpec Spec { get; }

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T> =>
        _volume.Read(SourceAccess.Check<T>(Spec.Path, Shape, DType, region, destination.Depth, destination.Height, destination.Width), destination);

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> => throw SourceAccess.ReadOnly(Spec.Path, "MRC");

    private static bool IsKnownMode(int mode) => mode is 0 or 1 or 2 or 6 or 12;

    private static int ReadInt32(byte[] header, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(offset)) : BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(offset));

    private static byte[] ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[HeaderSize];
        int read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        return read == HeaderSize
            ? header
            : throw new InvalidDataException($"{path} is truncated: an MRC header has {HeaderSize} bytes, the file has {read}.");
    }
}
