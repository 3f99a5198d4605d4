using System.Runtime.InteropServices;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// The seed's first example, <c>bioimage copy stack.tif out.zarr</c>, and copies from the other source formats: the
/// written array equals what the reference Python package reads from the input (tests/data/sources fixtures).
/// </summary>
public sealed class SourceFormatsCopyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-sources-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("tiff/uint16_lzw_predictor.tif", null, "tiff/uint16_lzw_predictor.tif.expected.npy", "out.zarr")]
    [InlineData("tiff/uint16_big_endian_bigtiff_lzw_predictor.tif", null, "tiff/uint16_big_endian_bigtiff_lzw_predictor.tif.expected.npy", "out.n5")]
    [InlineData("hdf5/volumes.h5", "raw", "hdf5/raw.expected.npy", "out.zarr")]
    [InlineData("mrc/int16_big_endian.mrc", null, "mrc/int16_big_endian.mrc.expected.npy", "out.zarr")]
    [InlineData("nifti/float32.nii.gz", null, "nifti/float32.nii.gz.expected.npy", "out.npy")]
    public void Copy_converts_every_source_format(string input, string? key, string expected, string output)
    {
        string target = Path.Combine(_folder, output);
        string[] keyArguments = key is null ? [] : ["--input-key", key];
        var (code, _, error) = CliTests.Run(["copy", RepoPaths.TestData("sources", input), target, .. keyArguments]);
        Assert.True(code == 0, error);

        var written = Source.Open(target);
        var want = NpyFile.ReadHeader(RepoPaths.TestData("sources", expected));
        Assert.Equal(want.DType, written.DType);
        Assert.Equal(want.Shape.Select(e => (long)e), written.Shape);
        byte[] expectedBytes = ReadAll(Source.Open(RepoPaths.TestData("sources", expected)));
        Assert.Equal(expectedBytes, ReadAll(written));
    }

    [Fact]
    public void Copy_writes_a_new_hdf5_dataset_that_h5py_reads()
    {
        string input = Path.Combine(_folder, "in.npy");
        string output = Path.Combine(_folder, "out.h5");
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], np.arange(7 * 9 * 11, dtype=np.uint16).reshape(7, 9, 11) * 3)", input);
        var (code, _, error) = CliTests.Run("copy", input, output, "--output-key", "volumes/raw", "--dtype", "float32", "--chunks", "3,4,5", "--block-shape", "2,4,5", "--workers", "2");
        Assert.True(code == 0, error);
        string check = Python.Run(
            "import sys, numpy as np, h5py\n" +
            "with h5py.File(sys.argv[2], 'r') as f:\n" +
            "    d = f['volumes/raw']\n" +
            "    assert d.dtype == np.float32 and d.chunks == (3, 4, 5) and d.compression == 'gzip', (d.dtype, d.chunks, d.compression)\n" +
            "    assert (d[...] == np.load(sys.argv[1]).astype(np.float32)).all()\n" +
            "print('ok')\n",
            input,
            output);
        Assert.Equal("ok", check.Trim());
        Assert.Equal([7L, 9, 11], Source.Open(output, "volumes/raw").Shape);
    }

    [Theory]
    [InlineData("needs --output-key", "copy", "in.npy", "out.h5")]
    [InlineData("written whole by this process", "copy", "in.npy", "out.h5", "--output-key", "raw", "--job-type", "subprocess")]
    [InlineData("only `bioimage copy` writes HDF5", "filter", "gaussian-smoothing", "in.npy", "out.h5", "--sigma", "1")]
    public void Hdf5_outputs_other_than_a_local_copy_are_refused(string message, params string[] arguments)
    {
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], np.ones((3, 4, 5), np.float32))", Path.Combine(_folder, "in.npy"));
        var (code, _, error) = CliTests.Run([.. arguments.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) || a.EndsWith(".h5", StringComparison.Ordinal) ? Path.Combine(_folder, a) : a)]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "out.h5")) || Directory.Exists(Path.Combine(_folder, "out.h5")));
    }

    private static byte[] ReadAll(ISource source) => source.DType switch
    {
        DType.UInt16 => Bytes<ushort>(source),
        DType.Int16 => Bytes<short>(source),
        DType.Float32 => Bytes<float>(source),
        _ => throw new ArgumentException($"No test reader for {source.DType}.", nameof(source)),
    };

    private static byte[] Bytes<T>(ISource source)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var region = Region.FromShape(source.Shape.ToArray());
        using var array = NdArray<T>.Allocate(region.GetShapeAsInt32());
        source.Read(region, RegionView.Of(array, region));
        return MemoryMarshal.AsBytes(array.Span).ToArray();
    }
}
