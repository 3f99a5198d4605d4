using BioImage.Sources;
using BioImage.Testing;

namespace BioImage.Core.Tests.Sources;

/// <summary>Bad input fails on open with a message that names the file and what is wrong (or expected).</summary>
public sealed class SourceErrorTests
{
    private static string Broken(string name) => RepoPaths.TestData("sources", "broken", name);

    private static string Fixture(params string[] parts) => RepoPaths.TestData(["sources", .. parts]);

    [Theory]
    [InlineData("missing.mrc")]
    [InlineData("missing.nii.gz")]
    [InlineData("missing.tif")]
    [InlineData("missing.h5")]
    public void Missing_files_are_named(string name)
    {
        var error = Assert.ThrowsAny<IOException>(() => Source.Open(Broken(name), name.EndsWith(".h5", StringComparison.Ordinal) ? "raw" : null));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_or_missing_hdf5_keys_list_the_datasets()
    {
        string file = Fixture("hdf5", "volumes.h5");
        var wrong = Assert.Throws<KeyNotFoundException>(() => Source.Open(file, "rwa"));
        Assert.Contains("no dataset 'rwa'", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("big_endian, group/inner/float, group/labels, image, int8, raw", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("(it is a group)", Assert.Throws<KeyNotFoundException>(() => Source.Open(file, "group")).Message, StringComparison.Ordinal);
        Assert.Contains("pass the dataset as key", Assert.Throws<ArgumentException>(() => Source.Open(file)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Big_endian_hdf5_says_how_to_convert()
    {
        var error = Assert.Throws<InvalidDataException>(() => Source.Open(Fixture("hdf5", "volumes.h5"), "big_endian"));
        Assert.Contains("big-endian, which PureHDF cannot read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rgb.tif", "3 samples per pixel")]
    [InlineData("mixed_pages.tif", "page 1 is 11×12 uint8, page 0 is 10×12 uint8")]
    [InlineData("big_endian_bigtiff_packbits.tif", "big-endian BigTIFF with compression 32773")]
    [InlineData("truncated_header.mrc", "not a TIFF file")]
    public void Unsupported_tiff_layouts_are_named(string name, string expected)
    {
        string path = Broken(name);
        if (name.EndsWith(".mrc", StringComparison.Ordinal))
        {
            var notTiff = Assert.Throws<InvalidDataException>(() => Source.Open(path, format: "tiff"));
            Assert.Contains(expected, notTiff.Message, StringComparison.Ordinal);
            return;
        }

        var error = Assert.Throws<InvalidDataException>(() => Source.Open(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated_header.mrc", "an MRC header has 1024 bytes, the file has 600")]
    [InlineData("truncated_data.mrc", "is truncated: the header announces 216 bytes of data at offset 1024, but only 100 follow")]
    [InlineData("truncated_header.nii", "a NIfTI-1 header has 348 bytes, the (decompressed) file has 200")]
    public void Truncated_headers_and_data_are_named(string name, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Source.Open(Broken(name)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Globs_matching_nothing_and_slices_that_differ_are_named()
    {
        var none = Assert.Throws<FileNotFoundException>(() => Source.Open(Fixture("slices"), "*.png"));
        Assert.Contains("No file in", none.Message, StringComparison.Ordinal);
        Assert.Contains("*.png", none.Message, StringComparison.Ordinal);
        var differ = Assert.Throws<InvalidDataException>(() => Source.Open(Fixture("mixed_slices"), "a*.tif"));
        Assert.Contains("a2.tif is 1 page(s) of 6×4 uint8, a1.tif is 1 page(s) of 6×5 uint8", differ.Message, StringComparison.Ordinal);
        Assert.Contains("glob pattern", Assert.Throws<ArgumentException>(() => Source.Open(Fixture("slices"))).Message, StringComparison.Ordinal);
        Assert.Contains("not a TIFF file", Assert.Throws<InvalidDataException>(() => Source.Open(Fixture("slices"), "*.txt")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_only_formats_refuse_write_modes_and_keys_they_do_not_have()
    {
        Assert.Contains("read-only", Assert.Throws<NotSupportedException>(() => Source.Open(Fixture("mrc", "int16_mode1.mrc"), mode: "r+")).Message, StringComparison.Ordinal);
        Assert.Contains("only key is \"data\"", Assert.Throws<ArgumentException>(() => Source.Open(Fixture("nifti", "int16.nii"), "raw")).Message, StringComparison.Ordinal);
        Assert.Contains("has no keys", Assert.Throws<ArgumentException>(() => Source.Open(Fixture("tiff", "uint16_stack.tif"), "0")).Message, StringComparison.Ordinal);
        Assert.Contains("not a NIfTI file", Assert.Throws<InvalidDataException>(() => Source.Open(Fixture("mrc", "int16_mode1.mrc"), format: "nifti")).Message, StringComparison.Ordinal);
    }
}
