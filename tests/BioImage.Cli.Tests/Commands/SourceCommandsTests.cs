using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>info and copy on the read-only formats: TIFF in, a thresholded Zarr out, checked with tifffile and zarr-python.</summary>
public sealed class SourceCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cli-sources-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Info_describes_a_tiff()
    {
        var (code, output, error) = CliTests.Run("info", RepoPaths.TestData("sources", "tiff", "float32_big_endian_bigtiff_tiled_deflate.tif"), "--json");
        Assert.True(code == 0, error);
        var info = JsonDocument.Parse(output).RootElement;
        Assert.Equal("tiff", info.GetProperty("format").GetString());
        Assert.Equal(new[] { 4, 19, 23 }, info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(info.GetProperty("bigTiff").GetBoolean());
    }

    [Fact]
    public void Copy_with_threshold_writes_the_bool_mask_numpy_computes()
    {
        string tiff = RepoPaths.TestData("sources", "tiff", "float32_deflate.tif");
        string output = Path.Combine(_directory, "mask.zarr");
        var (code, _, error) = CliTests.Run("copy", tiff, output, "--threshold", "0.5", "--zarr-format", "2", "--workers", "2");
        Assert.True(code == 0, error);
        string check = Python.Run(
            "import sys, numpy as np, tifffile, zarr\n" +
            "expected = tifffile.imread(sys.argv[1]) > 0.5\n" +
            "actual = zarr.open(sys.argv[2], mode='r')[:]\n" +
            "print(actual.dtype, actual.shape == expected.shape and bool((actual == expected).all()), int(expected.sum()))\n",
            tiff,
            output);
        var parts = check.Trim().Split(' ');
        Assert.Equal("bool", parts[0]);
        Assert.Equal("True", parts[1]);
        Assert.NotEqual("0", parts[2]);
    }
}
