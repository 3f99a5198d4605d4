using System.Diagnostics;
using System.Text.Json.Nodes;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Core.Tests.Storage.Interop;

/// <summary>
/// Zarr v3 against zarrita.js 0.7.5 (npm, tests/interop/node): zarrita writes (bytes little/big, transpose, blosc,
/// zstd — what it can encode) and we read; we write every codec (also gzip, crc32c, lz4, zlib, sharding with the
/// index with and without crc32c, nested compression, the v2 chunk key encoding) and zarrita reads; every dtype,
/// partial edge chunks, missing chunks and fill values. zarrita 0.7.5 always reads the shard index from the end, so
/// index_location "start" is checked against a hand-built shard instead (ShardingCodecTests).
/// </summary>
public sealed class ZarritaInteropTests : IDisposable
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "interop", "node", "zarrita_oracle.mjs");
    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-zarrita-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Bytes = """{"name":"bytes","configuration":{"endian":"little"}}""";
    private const string BigBytes = """{"name":"bytes","configuration":{"endian":"big"}}""";

    /// <summary>Codec lists zarrita can encode.</summary>
    private static readonly string[] TheirCodecs =
    [
        $"[{Bytes}]",
        $"[{BigBytes}]",
        $$$"""[{"name":"transpose","configuration":{"order":[2,0,1]}},{{{Bytes}}}]""",
        $$$"""[{{{Bytes}}},{"name":"blosc","configuration":{"cname":"lz4","clevel":5,"shuffle":"shuffle","typesize":4,"blocksize":0}}]""",
        $$$"""[{{{Bytes}}},{"name":"zstd","configuration":{"level":1,"checksum":false}}]""",
        $$$"""[{{{BigBytes}}},{"name":"blosc","configuration":{"cname":"zstd","clevel":3,"shuffle":"bitshuffle","typesize":2,"blocksize":0}}]""",
    ];

    /// <summary>Codec lists we write (transpose needs rank 3; sharding shards are [10, 16, 8] of [5, 8, 4] chunks).</summary>
    private static readonly string[] OurCodecs =
    [
        $"[{Bytes}]",
        $$$"""[{{{BigBytes}}},{"name":"gzip","configuration":{"level":1}}]""",
        $$$"""[{"name":"transpose","configuration":{"order":[1,2,0]}},{{{Bytes}}},{"name":"crc32c"}]""",
        $$$"""[{{{Bytes}}},{"name":"blosc","configuration":{"cname":"lz4","clevel":5,"shuffle":"shuffle","typesize":4,"blocksize":0}}]""",
        $$$"""[{{{Bytes}}},{"name":"zstd","configuration":{"level":3,"checksum":true}}]""",
        $$$"""[{{{Bytes}}},{"name":"numcodecs.lz4","configuration":{"acceleration":1}}]""",
        $$$"""[{"name":"sharding_indexed","configuration":{"chunk_shape":[5,8,4],"codecs":[{{{Bytes}}},{"name":"zstd","configuration":{"level":1,"checksum":false}}],"index_codecs":[{{{Bytes}}},{"name":"crc32c"}],"index_location":"end"}}]""",
        $$$"""[{"name":"sharding_indexed","configuration":{"chunk_shape":[5,8,4],"codecs":[{{{BigBytes}}},{"name":"blosc","configuration":{"cname":"zstd","clevel":1,"shuffle":"bitshuffle","typesize":1,"blocksize":0}}],"index_codecs":[{{{Bytes}}}],"index_location":"end"}}]""",
        $$$"""[{{{Bytes}}},{"name":"numcodecs.zlib","configuration":{"level":5}},{"name":"crc32c"}]""",
        $$$"""[{{{Bytes}}},{"name":"blosc","configuration":{"cname":"lz4hc","clevel":7,"shuffle":"noshuffle","blocksize":0}}]""",
    ];

    private static List<(InteropCase Case, string Codecs, bool V2Keys)> Matrix(string[] codecLists)
    {
        var cases = new List<(InteropCase, string, bool)>();
        int i = 0;
        foreach (string typestr in InteropCase.Typestrs.Where(t => t[0] != '>'))
        {
            for (int variant = 0; variant < 2; variant++, i++)
            {
                string codecs = codecLists[i % codecLists.Length];
                if (typestr == "|b1")
                {
                    // zarrita 0.7.5 byte-swaps bool arrays in groups when endian is "big" (bool has no byte order).
                    codecs = codecs.Replace(BigBytes, Bytes, StringComparison.Ordinal);
                }

                bool threeD = codecs.Contains("transpose", StringComparison.Ordinal) || codecs.Contains("sharding", StringComparison.Ordinal) || i % 4 != 3;
                var baseCase = InteropCase.Matrix("zarr", theyWrite: false)[0];
                var (dtype, _) = DTypeCodes.ParseTypestr(typestr, "v3");
                bool sharded = codecs.Contains("sharding", StringComparison.Ordinal);
                JsonNode? fill = (i % 3, dtype) switch
                {
                    (0, _) => 0,
                    (1, DType.Bool) => true,
                    (1, DType.Float32 or DType.Float64) => "NaN",
                    (2, DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64) => -3,
                    (2, DType.Float32 or DType.Float64) => "-Infinity",
                    _ => 9,
                };
                var c = baseCase with
                {
                    Name = $"v3-{dtype.NumpyName()}-{variant}",
                    Format = "zarr3",
                    Typestr = typestr,
                    Shape = threeD ? [13, 17, 9] : [40],
                    Chunks = threeD ? (sharded ? [10, 16, 8] : [5, 8, 4]) : [7],
                    Fill = fill,
                    Separator = i % 2 == 0 ? "/" : ".",
                    Region = threeD ? [[2, 0, 3], [11, 10, 9]] : [[5], [30]],
                };
                cases.Add((c, codecs, i % 5 == 2));
            }
        }

        return cases;
    }

    private static void WriteCases(string folder, IEnumerable<(InteropCase Case, string Codecs, bool V2Keys)> cases) => File.WriteAllText(
        Path.Combine(folder, "cases.json"),
        new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Case.Name,
            ["dtype"] = c.Case.Type.DType.NumpyName(),
            ["shape"] = new JsonArray([.. c.Case.Shape.Select(e => (JsonNode)e)]),
            ["chunks"] = new JsonArray([.. c.Case.Chunks.Select(e => (JsonNode)e)]),
            ["codecs"] = JsonNode.Parse(c.Codecs),
            ["fill"] = c.Case.Fill?.DeepClone(),
            ["separator"] = c.Case.Separator,
            ["region"] = new JsonArray([.. c.Case.Region.Select(r => (JsonNode)new JsonArray([.. r.Select(e => (JsonNode)e)]))]),
        })]).ToJsonString());

    [Fact]
    public void We_read_what_zarrita_writes()
    {
        var cases = Matrix(TheirCodecs);
        WriteCases(_folder, cases);
        Assert.Equal("ok", Node("write"));
        foreach (var (c, _, _) in cases)
        {
            var array = ChunkedArray.Open(Path.Combine(_folder, c.Name));
            Assert.Equal(c.Shape, array.Shape.ToArray());
            var expected = File.ReadAllBytes(Path.Combine(_folder, c.Name + ".expected"));
            var actual = new byte[expected.Length];
            array.ReadRegion(BioImage.Region.FromShape(array.Shape), actual);
            int at = expected.AsSpan().CommonPrefixLength(actual);
            Assert.True(at == expected.Length, $"{c.Name}: we read different values than zarrita wrote (byte {at})");
        }
    }

    [Fact]
    public void Zarrita_reads_what_we_write()
    {
        var cases = Matrix(OurCodecs);
        foreach (var (c, codecs, v2Keys) in cases)
        {
            var options = c.Options(StorageFormat.ZarrV3) with
            {
                Codecs = ((JsonArray)JsonNode.Parse(codecs)!).Select(node => CodecJson.FromV3(node, c.Name)).ToList(),
                V2ChunkKeyEncoding = v2Keys,
            };
            var array = ChunkedArray.Create(Path.Combine(_folder, c.Name), null, options);
            var data = c.RandomElements(c.WrittenRegion.VoxelCount);
            array.WriteRegion(c.WrittenRegion, (ReadOnlyMemory<byte>)data);
            File.WriteAllBytes(Path.Combine(_folder, c.Name + ".expected"), c.Expected(data));
        }

        WriteCases(_folder, cases);
        Assert.Equal("ok", Node("check"));
    }

    private string Node(string mode)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { Script, mode, _folder })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Trim() : throw new InvalidOperationException($"node zarrita_oracle.mjs {mode} failed (scripts/install-deps.sh installs zarrita):\n{stderr.Result}");
    }
}
