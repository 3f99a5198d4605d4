using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using BioImage.Kernels;

namespace BioImage.Sources.Formats;

/// <summary>
/// A single-file NIfTI-1 or NIfTI-2 image (.nii, or gzipped .nii.gz) as a read-only source, with our own header reader
/// (formats: https://nifti.nimh.nih.gov/nifti-1, https://nifti.nimh.nih.gov/nifti-2). Either byte order.
/// </summary>
/// <remarks>
/// Axes as bioimage-py presents them: nibabel's shape reversed, so (x, y, z) on disk becomes (z, y, x). NIfTI stores
/// x fastest, so the reversed array is the file's data in C order and reads need no transposition. Scaled data
/// (scl_slope not 0, NaN or 1 with intercept 0) is presented as float64 raw · slope + intercept, as nibabel's
/// <c>dataobj</c> does. A gzipped file is decompressed into memory once per open (files above 2 GiB: gunzip first).
/// Up to three axes; .hdr/.img pairs, RGB and complex data are not supported.
/// </remarks>
public sealed class NiftiSource : ISource
{
    private readonly RawVolume _volume;

    private NiftiSource(SourceSpec spec, int version, IReadOnlyList<long> shape, RawElements elements, RawVolume volume)
    {
        Spec = spec;
        Version = version;
        Shape = shape;
        Elements = elements;
        _volume = volume;
    }

    /// <summary>1 for NIfTI-1, 2 for NIfTI-2.</summary>
    public int Version { get; }

    /// <summary>The stored element type, byte order and scaling.</summary>
    internal RawElements Elements { get; }

    /// <summary>Opens the .nii / .nii.gz file a spec names (key: none or "data").</summary>
    public static ISource Open(SourceSpec spec)
    {
        SourceAccess.RequireSingleReadOnlyVolume(spec, "NIfTI");

        byte[]? memory = IsGzip(spec.Path) ? Decompress(spec.Path) : null;
        byte[] header = memory ?? ReadPrefix(spec.Path, 544);
        if (header.Length < 4)
        {
            throw Truncated(spec.Path, header.Length, 348);
        }

        int littleSize = BinaryPrimitives.ReadInt32LittleEndian(header);
        int bigSize = BinaryPrimitives.ReadInt32BigEndian(header);
        var (version, bigEndian) = (littleSize, bigSize) switch
        {
            (348, _) => (1, false),
            (_, 348) => (1, true),
            (540, _) => (2, false),
            (_, 540) => (2, true),
            _ => throw new InvalidDataException($"{spec.Path} is not a NIfTI file: sizeof_hdr is {littleSize} (expected 348 for NIfTI-1 or 540 for NIfTI-2)."),
        };
        int headerSize = version == 1 ? 348 : 540;
        if (header.Length < headerSize)
        {
            throw Truncated(spec.Path, header.Length, headerSize);
        }

        var fields = new HeaderFields(header, bigEndian);
        string magic = Encoding.ASCII.GetString(header, version == 1 ? 344 : 4, 3);
        if (magic != (version == 1 ? "n+1" : "n+2"))
        {
            throw new InvalidDataException(magic is "ni1" or "ni2"
                ? $"{spec.Path} is the header of a .hdr/.img pair; only single-file NIfTI (.nii, .nii.gz) is supported."
                : $"{spec.Path}: NIfTI magic is '{magic}', expected '{(version == 1 ? "n+1" : "n+2")}' (an Analyze 7.5 file is not NIfTI).");
        }

        int datatype = fields.Int16(version == 1 ? 70 : 12);
        long[] dims = Enumerable.Range(0, 8).Select(i => version == 1 ? fields.Int16(40 + (2 * i)) : fields.Int64(16 + (8 * i))).ToArray();
        long dataOffset = version == 1 ? (long)fields.Single(108) : fields.Int64(168);
        double slope = version == 1 ? fields.Single(112) : fields.Double(176);
        double intercept = version == 1 ? fields.Single(116) : fields.Double(184);

        var stored = datatype switch
        {
            2 => DType.UInt8,
            4 => DType.Int16,
            8 => DType.Int32,
            16 => DType.Float32,
            64 => DType.Float64,
            256 => DType.Int8,
            512 => DType.UInt16,
            768 => DType.UInt32,
            1024 => DType.Int64,
            1280 => DType.UInt64,
            _ => throw new InvalidDataException($"{spec.Path}: NIfTI datatype {datatype} is not supported; expected an integer type, float32 or float64 (codes 2, 4, 8, 16, 64, 256, 512, 768, 1024, 1280). RGB, complex and float128 data are not read."),
        };
        long rank = dims[0];
        if (rank is < 1 or > 7 || dims.Skip(1).Take((int)rank).Any(extent => extent < 1))
        {
            throw new InvalidDataException($"{spec.Path}: invalid NIfTI dim ({string.Join(", ", dims)}); expected dim[0] in 1..7 and positive sizes.");
        }

        if (rank > 3)
        {
            throw new InvalidDataException($"{spec.Path} has {rank} axes (dim {string.Join(", ", dims.Skip(1).Take((int)rank))}); NIfTI sources support 1 to 3.");
        }

        bool scaled = double.IsFinite(slope) && slope != 0 && !(slope == 1 && intercept == 0);
        if (scaled && !double.IsFinite(intercept))
        {
            throw new InvalidDataException($"{spec.Path}: scl_slope is {slope} but scl_inter is {intercept}; expected a finite intercept.");
        }

        var elements = new RawElements(stored, false, bigEndian, scaled ? slope : null, scaled ? intercept : 0);
        long[] shape = dims.Skip(1).Take((int)rank).Reverse().ToArray();
        var volume = new RawVolume(spec.Path, memory, dataOffset, shape, elements, flipRows: false);
        return new NiftiSource(spec with { Key = spec.Key is "" ? null : spec.Key }, version, shape, elements, volume);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType => Elements.Presented;

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
        where T : unmanaged, INumber<T> => throw SourceAccess.ReadOnly(Spec.Path, "NIfTI");

    private static InvalidDataException Truncated(string path, int length, int expected) =>
        new($"{path} is truncated: a NIfTI-{(expected == 348 ? 1 : 2)} header has {expected} bytes, the (decompressed) file has {length}.");

    private static bool IsGzip(string path)
    {
        byte[] prefix = ReadPrefix(path, 2);
        return prefix is [0x1F, 0x8B];
    }

    private static byte[] ReadPrefix(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var bytes = new byte[count];
        int read = stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
        return bytes[..read];
    }

    private static byte[] Decompress(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        try
        {
            stream.CopyTo(memory);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{path} is not a valid gzip stream ({error.Message}); the file may be truncated.", error);
        }
        catch (IOException error) when (memory.Length >= Array.MaxLength - (1 << 20))
        {
            throw new InvalidDataException($"{path} decompresses to more than 2 GiB; gunzip it and open the .nii instead.", error);
        }

        return memory.ToArray();
    }

    /// <summary>Header fields in the header's byte order.</summary>
    private readonly struct HeaderFields(byte[] header, bool bigEndian)
    {
        public short Int16(int offset) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(header.AsSpan(offset)) : BinaryPrimitives.ReadInt16LittleEndian(header.AsSpan(offset));

        public long Int64(int offset) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(offset)) : BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(offset));

        public float Single(int offset) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(header.AsSpan(offset)) : BinaryPrimitives.ReadSingleLittleEndian(header.AsSpan(offset));

        public double Double(int offset) => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(header.AsSpan(offset)) : BinaryPrimitives.ReadDoubleLittleEndian(header.AsSpan(offset));
    }
}
