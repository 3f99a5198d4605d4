using System.Text.Json;
using BioImage.Cli;
using BioImage.Storage;

namespace BioImage.Cli.Tests.Commands;

/// <summary><c>bioimage info</c> and <c>bioimage copy</c> as a user runs them, with zarr-python as the oracle of what copy writes.</summary>
public sealed class StorageCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-storage-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => CliTests.Run(args);

    [Fact]
    public void Info_describes_a_sharded_array_and_lists_the_arrays_of_a_group()
    {
        var (code, output, _) = Run("info", RepoPaths.TestData("zarr", "valid", "v3_shard_start.zarr"), "--json");
        Assert.Equal(0, code);
        var info = JsonDocument.Parse(output).RootElement;
        Assert.Equal("zarr v3", info.GetProperty("format").GetString());
        Assert.Equal("[8,12]", info.GetProperty("shape").GetRawText());
        Assert.Equal("[4,4]", info.GetProperty("chunks").GetRawText());
        Assert.Equal("[8,12]", info.GetProperty("shards").GetRawText());
        Assert.Equal("sharding_indexed", info.GetProperty("codecs")[0].GetProperty("name").GetString());
        Assert.Equal(5, info.GetProperty("fillValue").GetInt32());
        Assert.Equal("hand-built shard", info.GetProperty("attributes").GetProperty("description").GetString());

        (code, output, _) = Run("info", RepoPaths.TestData("zarr", "valid", "n5_java_style.n5"));
        Assert.Equal(0, code);
        Assert.Contains("group", output, StringComparison.Ordinal);
        Assert.Contains("volume", output, StringComparison.Ordinal);

        (code, output, _) = Run("info", RepoPaths.TestData("zarr", "valid", "v2_fortran_be.zarr"));
        Assert.Equal(0, code);
        Assert.Contains("zarr v2", output, StringComparison.Ordinal);
        Assert.Contains("NaN", output, StringComparison.Ordinal);
        Assert.Contains("big", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Overwrite_replaces_an_array_of_another_rank_whose_chunk_folders_are_in_the_way()
    {
        string npy = RepoPaths.TestData("npy", "odd_1x7x300_float32.npy");
        string output = Path.Combine(_folder, "out.zarr");
        Assert.Equal(0, Run("filter", "structure-tensor-eigenvalues", npy, output, "--sigma", "1", "--outer-scale", "1", "--chunks", "1,1,7,300", "--quiet").ExitCode);
        Assert.True(Directory.Exists(Path.Combine(output, "c", "0", "0", "0"))); // a 4D chunk folder where the 3D chunk c/0/0/0 goes

        Assert.Equal(0, Run("copy", npy, output, "--chunks", "1,7,300", "--overwrite", "--quiet").ExitCode);
        string back = Path.Combine(_folder, "back.npy");
        Assert.Equal(0, Run("copy", output, back, "--quiet").ExitCode);
        Assert.Equal(File.ReadAllBytes(npy), File.ReadAllBytes(back));
    }

    [Fact]
    public void A_new_output_is_compressed_as_its_input_unless_codec_says_otherwise()
    {
        string npy = RepoPaths.TestData("npy", "odd_1x7x300_float32.npy");
        string Out(string name) => Path.Combine(_folder, name);
        static JsonElement Zarray(string path) => JsonDocument.Parse(File.ReadAllText(Path.Combine(path, ".zarray"))).RootElement.GetProperty("compressor");

        Assert.Equal(0, Run("copy", npy, Out("raw.zarr"), "--zarr-format", "2", "--codec", "raw", "--quiet").ExitCode);
        Assert.Equal(0, Run("filter", "gaussian-smoothing", Out("raw.zarr"), Out("smooth.zarr"), "--sigma", "1", "--zarr-format", "2", "--quiet").ExitCode);
        Assert.Equal(JsonValueKind.Null, Zarray(Out("smooth.zarr")).ValueKind);

        Assert.Equal(0, Run("copy", npy, Out("lz4.n5"), "--codec", "lz4", "--quiet").ExitCode);
        Assert.Equal(0, Run("copy", Out("lz4.n5"), Out("from-n5.zarr"), "--zarr-format", "2", "--quiet").ExitCode);
        Assert.Equal("lz4", Zarray(Out("from-n5.zarr")).GetProperty("id").GetString());

        Assert.Equal(0, Run("copy", Out("raw.zarr"), Out("raw.n5"), "--quiet").ExitCode);
        var n5 = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("raw.n5"), "attributes.json"))).RootElement;
        Assert.Equal("raw", n5.GetProperty("compression").GetProperty("type").GetString());

        // --codec wins; an input that is not chunked storage (here .npy) leaves the format's default, zstd:3.
        Assert.Equal(0, Run("filter", "gaussian-smoothing", Out("raw.zarr"), Out("gzip.zarr"), "--sigma", "1", "--zarr-format", "2", "--codec", "gzip:4", "--quiet").ExitCode);
        Assert.Equal("gzip", Zarray(Out("gzip.zarr")).GetProperty("id").GetString());
        Assert.Equal(0, Run("copy", npy, Out("default.zarr"), "--zarr-format", "2", "--quiet").ExitCode);
        Assert.Equal(3, Zarray(Out("default.zarr")).GetProperty("level").GetInt32());
        Assert.Equal("read", Python.Run("import sys, zarr\nfor p in sys.argv[1:]: zarr.open(p, mode='r')[...]\nprint('read')", Out("smooth.zarr"), Out("from-n5.zarr"), Out("gzip.zarr")).Trim());
    }

    [Fact]
    public void Copy_goes_through_every_format_and_zarr_python_reads_the_results()
    {
        string npy = RepoPaths.TestData("npy", "odd_1x7x300_float32.npy");
        string v3 = Path.Combine(_folder, "a.zarr");
        string v2 = Path.Combine(_folder, "b.zarr");
        string n5 = Path.Combine(_folder, "c.n5");
        string back = Path.Combine(_folder, "d.npy");
        Assert.Equal(0, Run("copy", npy, v3, "--chunks", "1,4,64", "--shards", "1,8,128", "--codec", "zstd:3").ExitCode);
        Assert.Equal(0, Run("copy", v3, v2, "--zarr-format", "2", "--codec", "blosc:lz4:5:shuffle", "--chunks", "1,3,100", "--workers", "2").ExitCode);
        Assert.Equal(0, Run("copy", v2, n5, "--output-key", "data/raw", "--codec", "gzip:6").ExitCode);
        Assert.Equal(0, Run("copy", n5, back, "--input-key", "data/raw").ExitCode);

        using var original = NpyFile.Read<float>(npy);
        using var copied = NpyFile.Read<float>(back);
        Assert.Equal(original.ToArray(), copied.ToArray());
        Assert.Equal([1, 3, 100], ChunkedArray.Open(v2).ChunkShape.ToArray());
        string verdict = Python.Run(
            "import sys, numpy as np, zarr\na = np.load(sys.argv[1])\nb = zarr.open(sys.argv[2], mode='r')[...]\nc = zarr.open(zarr.N5FSStore(sys.argv[3]), mode='r')['data/raw'][...]\nprint(bool((a == b).all() and (a == c).all()))",
            npy, v2, n5);
        Assert.Equal("True", verdict.Trim());
    }

    [Fact]
    public void Copy_converts_the_dtype_as_numpy_does_for_in_range_values()
    {
        string npy = RepoPaths.TestData("npy", "float64.npy");
        string output = Path.Combine(_folder, "i.zarr");
        Assert.Equal(0, Run("copy", npy, output, "--dtype", "int32", "--zarr-format", "2", "--codec", "raw").ExitCode);
        string verdict = Python.Run(
            "import sys, numpy as np, zarr\na = np.load(sys.argv[1])\nb = zarr.open(sys.argv[2], mode='r')[...]\nprint(b.dtype, bool((a.astype('int32') == b).all()))",
            npy, output);
        Assert.Equal("int32 True", verdict.Trim());
    }

    [Theory]
    [InlineData("--codec: Codec 'snappy'", "--codec", "snappy")]
    [InlineData("--codec: Codec 'zstd:99'", "--codec", "zstd:99")]
    [InlineData("--shards needs a Zarr v3 output", "--shards", "2,8,300", "--zarr-format", "2")]
    [InlineData("--chunks has 2 values but the input has 3 axes", "--chunks", "4,4")]
    [InlineData("--zarr-format must be 2 or 3", "--zarr-format", "4")]
    [InlineData("shards [1, 6, 300] must be positive multiples of the chunks", "--chunks", "1,4,100", "--shards", "1,6,300")]
    public void Bad_copy_arguments_exit_2_with_one_line(string expected, params string[] options)
    {
        var (code, output, error) = Run(["copy", RepoPaths.TestData("npy", "odd_1x7x300_float32.npy"), Path.Combine(_folder, "x.zarr"), .. options]);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Info_of_a_missing_path_is_a_bad_argument_and_of_a_broken_array_a_failure()
    {
        Assert.Equal(2, Run("info", Path.Combine(_folder, "nothing.zarr")).ExitCode);
        var (code, _, error) = Run("info", RepoPaths.TestData("zarr", "bad", "unknown_codec.zarr"));
        Assert.Equal(1, code);
        Assert.Contains("unknown codec 'frobnicate'", error, StringComparison.Ordinal);
    }
}
