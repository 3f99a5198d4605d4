using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>info and copy on the read-only formats: TIFF/HDF5 in, thresholded or resized Zarr out, checked with tifffile, zarr-python and scipy.</summary>
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

    [Theory]
    [InlineData("hdf5/raw.expected.npy", "raw", "3,9,11", "1", true, "float32")]
    [InlineData("hdf5/group_labels.expected.npy", "group/labels", "7,5,13", "0", false, "int64")]
    public void Copy_with_resize_writes_what_scipy_resizes(string expected, string key, string shape, string order, bool antiAliasing, string dtype)
    {
        string output = Path.Combine(_directory, "resized.zarr");
        string[] aa = antiAliasing ? ["--anti-aliasing"] : [];
        var (code, _, error) = CliTests.Run(["copy", RepoPaths.TestData("sources", "hdf5", "volumes.h5"), output, "--input-key", key, "--resize", shape, "--order", order, .. aa, "--zarr-format", "2", "--workers", "2", "--block-shape", "2,3,4", "--chunks", "2,3,4"]);
        Assert.True(code == 0, error);
        string check = Python.Run(
            """
            import sys, numpy as np, zarr, scipy.ndimage as ndi
            a = np.load(sys.argv[1])
            shape = tuple(int(v) for v in sys.argv[3].split(','))
            order, aa = int(sys.argv[4]), sys.argv[5] == 'True'
            factors = np.array(a.shape) / np.array(shape)
            x = a if order == 0 and not aa else a.astype(np.float64)
            if aa:
                x = ndi.gaussian_filter(x, np.maximum(0, (factors - 1) / 2), mode='mirror')
            expected = ndi.affine_transform(x, np.diag(factors), output_shape=shape, order=order, mode='mirror', output=x.dtype)
            actual = zarr.open(sys.argv[2], mode='r')[:]
            close = (actual == expected).all() if order == 0 and not aa else np.abs(actual - expected).max() <= 1e-4 * np.abs(expected).max()
            print(actual.dtype, actual.shape == shape and bool(close))
            """,
            RepoPaths.TestData("sources", expected),
            output,
            shape,
            order,
            antiAliasing.ToString());
        Assert.Equal($"{dtype} True", check.Trim());
    }

    [Fact]
    public void Resize_options_without_resize_or_with_a_wrong_rank_are_refused()
    {
        string tiff = RepoPaths.TestData("sources", "tiff", "float32_deflate.tif");
        var (code, _, error) = CliTests.Run("copy", tiff, Path.Combine(_directory, "x.zarr"), "--order", "3");
        Assert.Equal(2, code);
        Assert.Contains("with --resize", error, StringComparison.Ordinal);
        (code, _, error) = CliTests.Run("copy", tiff, Path.Combine(_directory, "y.zarr"), "--resize", "4,4");
        Assert.Equal(2, code);
        Assert.Contains("--resize", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "y.zarr")));
    }
}
