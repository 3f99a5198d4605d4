using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Core.Tests.Storage.Interop;

/// <summary>One array of the interop matrix, as the oracle scripts (tests/interop/) read it from cases.json.</summary>
internal sealed record InteropCase(string Name, string Format, string Typestr, long[] Shape, int[] Chunks, JsonObject? Compressor, JsonNode? Fill, string Separator, string Order, long[][] Region)
{
    public (DType DType, bool BigEndian) Type => DTypeCodes.ParseTypestr(Typestr, Name);

    public BioImage.Region WrittenRegion => new(Region[0], Region[1]);

    public static readonly string[] Typestrs = ["|b1", "|u1", "|i1", "<u2", ">u2", "<i2", ">i2", "<u4", ">u4", "<i4", ">i4", "<u8", ">u8", "<i8", ">i8", "<f4", ">f4", "<f8", ">f8"];

    public static readonly string?[] Compressors =
    [
        null,
        """{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}""",
        """{"id":"blosc","cname":"zstd","clevel":3,"shuffle":2,"blocksize":0}""",
        """{"id":"zstd","level":1}""",
        """{"id":"blosc","cname":"zlib","clevel":4,"shuffle":0,"blocksize":0}""",
        """{"id":"lz4","acceleration":1}""",
        """{"id":"gzip","level":1}""",
        """{"id":"blosc","cname":"lz4hc","clevel":6,"shuffle":-1,"blocksize":0}""",
        """{"id":"zlib","level":6}""",
        """{"id":"blosc","cname":"blosclz","clevel":5,"shuffle":1,"blocksize":0}""",
    ];

    /// <summary>The matrix: every dtype in both byte orders, compressors, separators, orders and fill values rotating through it.</summary>
    public static List<InteropCase> Matrix(string format, bool theyWrite, string?[]? compressors = null)
    {
        compressors ??= Compressors;
        var cases = new List<InteropCase>();
        int i = 0;
        foreach (string typestr in Typestrs)
        {
            var (dtype, _) = DTypeCodes.ParseTypestr(typestr, "matrix");
            if (format == "n5" && (typestr[0] == '<' || dtype == DType.Bool))
            {
                continue;
            }

            for (int variant = 0; variant < 2; variant++, i++)
            {
                bool oneDimensional = i % 5 == 4;
                long[] shape = oneDimensional ? [40] : [13, 17, 9];
                int[] chunks = oneDimensional ? [7] : [5, 8, 4];
                long[][] region = oneDimensional ? [[5], [30]] : [[2, 0, 3], [11, 10, 9]];
                JsonNode? fill = (i % 4, dtype) switch
                {
                    (0, _) => 0,
                    (1, DType.Bool) => true,
                    (1, _) => 7,
                    (2, DType.Float32 or DType.Float64) => "NaN",
                    (3, DType.Float32 or DType.Float64) => i % 8 == 3 ? "Infinity" : "-Infinity",
                    (_, DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64) => -3,
                    _ => 100,
                };
                if (format == "n5")
                {
                    fill = 0;
                }
                else if (i % 9 == 8)
                {
                    fill = null;
                    region = [new long[shape.Length], shape];
                }

                string? compressor = compressors[i % compressors.Length];
                bool fortran = format == "zarr" && i % 3 == (theyWrite ? 2 : 1);
                string name = $"{format}-{typestr[0] switch { '<' => "le", '>' => "be", _ => "na" }}-{dtype.NumpyName()}-{variant}";
                cases.Add(new InteropCase(name, format, typestr, shape, chunks, compressor is null ? null : JsonNode.Parse(compressor)!.AsObject(), fill, i % 2 == 0 ? "." : "/", fortran ? "F" : "C", region));
            }
        }

        return cases;
    }

    public static void WriteCases(string folder, IEnumerable<InteropCase> cases) => File.WriteAllText(
        Path.Combine(folder, "cases.json"),
        new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["format"] = c.Format,
            ["dtype"] = c.Typestr,
            ["shape"] = new JsonArray([.. c.Shape.Select(e => (JsonNode)e)]),
            ["chunks"] = new JsonArray([.. c.Chunks.Select(e => (JsonNode)e)]),
            ["compressor"] = c.Compressor?.DeepClone(),
            ["fill"] = c.Fill?.DeepClone(),
            ["separator"] = c.Separator,
            ["order"] = c.Order,
            ["region"] = new JsonArray([.. c.Region.Select(r => (JsonNode)new JsonArray([.. r.Select(e => (JsonNode)e)]))]),
        })]).ToJsonString());

    /// <summary>Random elements of the case's type (native little-endian bytes); floats include NaN and ±infinity.</summary>
    public byte[] RandomElements(long count)
    {
        var (dtype, _) = Type;
        var random = new Random(Name.Length * 7919 + (int)count);
        var bytes = new byte[count * dtype.ItemSize()];
        random.NextBytes(bytes);
        for (long i = 0; i < count; i++)
        {
            var element = bytes.AsSpan((int)(i * dtype.ItemSize()), dtype.ItemSize());
            switch (dtype)
            {
                case DType.Bool:
                    element[0] &= 1;
                    break;
                case DType.Float32:
                    BitConverter.TryWriteBytes(element, i switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => (float)((random.NextDouble() - 0.5) * 2000) });
                    break;
                case DType.Float64:
                    BitConverter.TryWriteBytes(element, i switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, _ => (random.NextDouble() - 0.5) * 2000 });
                    break;
            }
        }

        return bytes;
    }

    /// <summary>What the whole array holds after writing <paramref name="data"/> into the region of a fresh array: fill value elsewhere.</summary>
    public byte[] Expected(byte[] data)
    {
        var (dtype, _) = Type;
        var whole = BioImage.Region.FromShape(Shape);
        var expected = new byte[whole.VoxelCount * dtype.ItemSize()];
        var fill = FillValue.Parse(Fill, dtype, Name);
        for (int i = 0; i < expected.Length; i += fill.Length)
        {
            fill.CopyTo(expected, i);
        }

        BoxCopy.Copy(data, WrittenRegion.Shape, new long[Shape.Length], expected, Shape, Region[0], WrittenRegion.Shape, dtype.ItemSize());
        return expected;
    }

    public ArrayOptions Options(StorageFormat format) => new()
    {
        Shape = Shape,
        DType = Type.DType,
        Chunks = Chunks,
        Format = format,
        BigEndian = Type.BigEndian,
        FortranOrder = Order == "F",
        Compressor = Compressor is null ? null : CodecJson.FromNumcodecs(Compressor, Name),
        FillValue = Fill is null ? 0 : Fill.GetValueKind() == JsonValueKind.String ? double.Parse(Fill.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : Fill.GetValueKind() is JsonValueKind.True ? 1 : double.Parse(Fill.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
        Separator = Separator[0],
    };
}
