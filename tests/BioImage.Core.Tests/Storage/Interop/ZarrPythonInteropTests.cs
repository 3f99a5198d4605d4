using BioImage.Storage;
using BioImage.Storage.Metadata;

namespace BioImage.Core.Tests.Storage.Interop;

/// <summary>
/// Zarr v2 and N5 against zarr-python 2.13 + numcodecs 0.11 (Debian), both directions: every dtype in both byte
/// orders, every compressor, both dimension separators, C and F order, partial edge chunks, missing chunks and
/// fill values (0, 7, -3, NaN, ±Infinity, true, null).
/// </summary>
public sealed class ZarrPythonInteropTests : IDisposable
{
    private static readonly string Oracle = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "interop", "python", "zarr_python_oracle.py"));
    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-interop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("zarr")]
    [InlineData("n5")]
    public void We_read_what_zarr_python_writes(string format)
    {
        var cases = InteropCase.Matrix(format, theyWrite: true);
        InteropCase.WriteCases(_folder, cases);
        Assert.Equal("ok", Python.Run(Oracle, "write", _folder).Trim());
        foreach (var c in cases)
        {
            var array = ChunkedArray.Open(Path.Combine(_folder, c.Name));
            Assert.Equal(c.Shape, array.Shape.ToArray());
            Assert.Equal(c.Type.DType, array.DType);
            var expected = File.ReadAllBytes(Path.Combine(_folder, c.Name + ".expected"));
            var actual = new byte[expected.Length];
            array.ReadRegion(Region.FromShape(array.Shape), actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{c.Name}: we read different values than zarr-python wrote");
        }
    }

    [Theory]
    [InlineData("zarr")]
    [InlineData("n5")]
    public void Zarr_python_reads_what_we_write(string format)
    {
        // zarr-python frames N5 lz4 the numcodecs way, not as N5's LZ4Block stream that we write: checked separately.
        var cases = InteropCase.Matrix(format, theyWrite: false, format == "n5" ? InteropCase.Compressors.Where(c => c?.Contains("\"lz4\",", StringComparison.Ordinal) != true || c.Contains("blosc", StringComparison.Ordinal)).ToArray() : null);
        foreach (var c in cases)
        {
            var array = ChunkedArray.Create(Path.Combine(_folder, c.Name), null, c.Options(format == "n5" ? StorageFormat.N5 : StorageFormat.ZarrV2));
            var data = c.RandomElements(c.WrittenRegion.VoxelCount);
            array.WriteRegion(c.WrittenRegion, (ReadOnlyMemory<byte>)data);
            File.WriteAllBytes(Path.Combine(_folder, c.Name + ".expected"), c.Expected(data));
        }

        InteropCase.WriteCases(_folder, cases);
        Assert.Equal("ok", Python.Run(Oracle, "check", _folder).Trim());
    }
}
