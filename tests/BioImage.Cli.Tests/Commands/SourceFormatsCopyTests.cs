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
