using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace BioImage.Storage;

/// <summary>The header of a numpy <c>.npy</c> file: element type, shape, byte order and where the data starts.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Extent of each axis (C order).</param>
/// <param name="IsBigEndian">True when the file stores multi-byte values big-endian.</param>
/// <param name="DataOffset">Byte offset of the first element.</param>
public sealed record NpyHeader(DType DType, IReadOnlyList<int> Shape, bool IsBigEndian, long DataOffset);

/// <summary>
/// Reads and writes numpy's <c>.npy</c> format (versions 1.0–3.0; C order; little- or big-endian), so that
/// results open with <c>numpy.load</c> and numpy arrays can be fed to the CLI.
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the header; throws <see cref="InvalidDataException"/> naming the file when it is not a supported .npy.</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Reads a whole array; <typeparamref name="T"/> must match the file's dtype (a bool file also reads as <see cref="byte"/> 0/1).</summary>
    public static NdArray<T> Read<T>(string path)
        where T : unmanaged
    {
        using var stream = File.OpenRead(path);
        var header = ReadHeader(stream, path);
        var expected = DTypes.Of<T>();
        if (header.DType != expected && !(header.DType == DType.Bool && expected == DType.UInt8))
        {
            throw new InvalidDataException($"{path} holds {header.DType.NumpyName()} values; it cannot be read as {expected.NumpyName()}.");
        }

        var array = NdArray<T>.Allocate(header.Shape.ToArray(), clear: false);
        var bytes = MemoryMarshal.AsBytes(array.Span);
        stream.ReadExactly(bytes);
        if (header.IsBigEndian)
        {
            Codecs.BytesCodec.CopyInByteOrder(bytes, bytes, header.DType.ItemSize(), swap: true);
        }

        return array;
    }

    /// <summary>Writes <paramref name="array"/> as a little-endian, C-order .npy (version 1.0) atomically (temp file + rename).</summary>
    public static void Write<T>(string path, NdArray<T> array)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        WriteAtomically(path, array.DType, array.Shape, (long)array.Length * array.DType.ItemSize(), stream => stream.Write(MemoryMarshal.AsBytes<T>(array.Span)));
    }

    /// <summary>Creates a zero-filled .npy of <paramref name="dtype"/> and <paramref name="shape"/> (sparse where the file system allows).</summary>
    public static void CreateEmpty(string path, DType dtype, ReadOnlySpan<int> shape)
    {
        long elements = 1;
        foreach (int extent in shape)
        {
            elements = extent >= 0 ? checked(elements * extent) : throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) has a negative extent.", nameof(shape));
        }

        WriteAtomically(path, dtype, shape, 0, stream => stream.SetLength(stream.Position + (elements * dtype.ItemSize())));
    }

    private static void WriteAtomically(string path, DType dtype, ReadOnlySpan<int> shape, long dataBytes, Action<FileStream> writeData)
    {
        var preamble = Preamble(Descr(dtype), shape);

        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            // Preallocated (fallocate): ext4 then skips delayed allocation, and renaming over an existing file does not
            // force the new data to disk first.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = preamble.Length + dataBytes };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(preamble);
                writeData(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The magic string, version 1.0 and the padded header of a little-endian, C-order array of numpy dtype <paramref name="descr"/> (e.g. '&lt;u8', '&lt;U12').</summary>
    internal static byte[] Preamble(string descr, ReadOnlySpan<int> shape)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.ToArray())})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        string header = dict + new string(' ', ((unpadded + 63) / 64 * 64) - unpadded) + "\n";
        var preamble = new byte[Magic.Length + 4 + header.Length];
        Magic.CopyTo(preamble);
        preamble[Magic.Length] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble.AsSpan(Magic.Length + 2), checked((ushort)header.Length));
        Encoding.ASCII.GetBytes(header, preamble.AsSpan(Magic.Length + 4));
        return preamble;
    }

    private static NpyHeader ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a .npy file (the magic string \\x93NUMPY is missing).");
        }

        byte major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new InvalidDataException($"{path}: .npy format version {major}.{prefix[7]} is not supported; expected 1.0, 2.0 or 3.0."),
        };
        Span<byte> lengthField = stackalloc byte[4];
        stream.ReadExactly(lengthField[..lengthBytes]);
        int headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadInt32LittleEndian(lengthField);
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrPattern().Match(dict);
        var fortran = FortranPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new InvalidDataException($"{path}: the .npy header '{dict.Trim()}' lacks descr, fortran_order or shape.");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"{path} is stored in Fortran order; save it in C order (numpy.ascontiguousarray) first.");
        }

        var (dtype, bigEndian) = ParseDescr(descr.Groups[1].Value, path);
        var extents = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => int.Parse(e, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        return new NpyHeader(dtype, extents, bigEndian, stream.Position);
    }

    private static (DType DType, bool BigEndian) ParseDescr(string descr, string path)
    {
        char order = descr[0];
        string code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        DType? dtype = Metadata.DTypeCodes.FromCode(code);
        return dtype is { } known
            ? (known, order == '>' && known.ItemSize() > 1)
            : throw new InvalidDataException($"{path}: dtype '{descr}' is not supported; expected bool, (u)int8–64, float32 or float64.");
    }

    internal static string Descr(DType dtype) => dtype switch
    {
        DType.Bool => "|b1",
        DType.UInt8 => "|u1",
        DType.Int8 => "|i1",
        _ => $"<{(dtype.IsFloatingPoint() ? 'f' : dtype.IsSigned() ? 'i' : 'u')}{dtype.ItemSize()}",
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
