using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Sources;
using BioImage.Sources.Formats;
using BioImage.Sources.Wrappers;
using BioImage.Storage;
using BioImage.Testing;

namespace BioImage.Core.Tests.Sources;

/// <summary>
/// Every format read equals what the reference Python package reads (with bioimage-py's axis conventions): the
/// fixtures and their <c>.expected.npy</c> files come from tests/data/sources/make_fixtures.py.
/// </summary>
public sealed class SourceFixtureTests
{
    public static TheoryData<string, string?, string> Fixtures => new()
    {
        { "mrc/int8_mode0.mrc", null, "mrc/int8_mode0.mrc" },
        { "mrc/int16_mode1.mrc", null, "mrc/int16_mode1.mrc" },
        { "mrc/float32_mode2.mrc", "data", "mrc/float32_mode2.mrc" },
        { "mrc/uint16_mode6_image.mrc", null, "mrc/uint16_mode6_image.mrc" },
        { "mrc/float16_mode12.mrc", null, "mrc/float16_mode12.mrc" },
        { "mrc/float32_big_endian.mrc", null, "mrc/float32_big_endian.mrc" },
        { "mrc/int16_big_endian.mrc", null, "mrc/int16_big_endian.mrc" },
        { "nifti/int16.nii", null, "nifti/int16.nii" },
        { "nifti/float32.nii.gz", null, "nifti/float32.nii.gz" },
        { "nifti/uint8_nifti2.nii", null, "nifti/uint8_nifti2.nii" },
        { "nifti/float64_nifti2.nii.gz", null, "nifti/float64_nifti2.nii.gz" },
        { "nifti/int32_big_endian.nii", null, "nifti/int32_big_endian.nii" },
        { "nifti/int16_scaled.nii", null, "nifti/int16_scaled.nii" },
        { "nifti/uint16_2d.nii", null, "nifti/uint16_2d.nii" },
        { "tiff/uint16_stack.tif", null, "tiff/uint16_stack.tif" },
        { "tiff/uint8_tiled.tif", null, "tiff/uint8_tiled.tif" },
        { "tiff/float32_deflate.tif", null, "tiff/float32_deflate.tif" },
        { "tiff/int16_big_endian.tif", null, "tiff/int16_big_endian.tif" },
        { "tiff/float64_page.tif", null, "tiff/float64_page.tif" },
        { "tiff/int32_bigtiff.tif", null, "tiff/int32_bigtiff.tif" },
        { "tiff/int8_tiled_deflate.tif", null, "tiff/int8_tiled_deflate.tif" },
        { "tiff/uint16_lzw.tif", null, "tiff/uint16_lzw.tif" },
        { "tiff/uint16_lzw_predictor.tif", null, "tiff/uint16_lzw_predictor.tif" },
        { "tiff/uint16_deflate_predictor_big_endian.tif", null, "tiff/uint16_deflate_predictor_big_endian.tif" },
        { "tiff/uint16_lzw_tiled_big_endian.tif", null, "tiff/uint16_lzw_tiled_big_endian.tif" },
        { "tiff/uint16_big_endian_bigtiff.tif", null, "tiff/uint16_big_endian_bigtiff.tif" },
        { "tiff/uint16_big_endian_bigtiff_lzw_predictor.tif", null, "tiff/uint16_big_endian_bigtiff_lzw_predictor.tif" },
        { "tiff/float32_big_endian_bigtiff_tiled_deflate.tif", null, "tiff/float32_big_endian_bigtiff_tiled_deflate.tif" },
        { "slices", "*.tif", "slices" },
        { "hdf5/volumes.h5", "raw", "hdf5/raw" },
        { "hdf5/volumes.h5", "group/labels", "hdf5/group_labels" },
        { "hdf5/volumes.h5", "/group/inner/float", "hdf5/group_inner_float" },
        { "hdf5/volumes.h5", "image", "hdf5/image" },
        { "hdf5/volumes.h5", "int8", "hdf5/int8" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Reads_equal_the_python_package(string file, string? key, string expected)
    {
        var source = Source.Open(RepoPaths.TestData("sources", file), key);
        var header = NpyFile.ReadHeader(Expected(expected));
        Assert.Equal(header.DType, source.DType);
        Assert.Equal(header.Shape.Select(e => (long)e), source.Shape);
        source.DType.Dispatch(new CompareRegions(source, Expected(expected)));
    }

    [Fact]
    public void Formats_are_inferred_from_extensions_and_report_their_details()
    {
        Assert.IsType<MrcSource>(Source.Open(RepoPaths.TestData("sources", "mrc", "float32_big_endian.mrc")));
        Assert.True(((MrcSource)Source.Open(RepoPaths.TestData("sources", "mrc", "float32_big_endian.mrc"))).IsBigEndian);
        Assert.Equal(12, ((MrcSource)Source.Open(RepoPaths.TestData("sources", "mrc", "float16_mode12.mrc"))).Mode);
        Assert.Equal(2, ((NiftiSource)Source.Open(RepoPaths.TestData("sources", "nifti", "float64_nifti2.nii.gz"))).Version);
        Assert.True(((TiffSource)Source.Open(RepoPaths.TestData("sources", "tiff", "int32_bigtiff.tif"))).IsBigTiff);
        var stack = (ImageStackSource)Source.Open(RepoPaths.TestData("sources", "slices"), "*.tif");
        Assert.Equal(["z1.tif", "z2.tif", "z10.tif"], stack.Files.Select(Path.GetFileName));
        Assert.Equal([1L, 14, 9], stack.Chunks!);
        Assert.Equal([2L, 8, 8], Source.Open(RepoPaths.TestData("sources", "hdf5", "volumes.h5"), "raw").Chunks!);
        Assert.Equal("group/inner/float", Source.Open(RepoPaths.TestData("sources", "hdf5", "volumes.h5"), "/group/inner/float").Spec!.Key);
    }

    [Fact]
    public void Info_describes_formats_and_wrappers()
    {
        var nifti = SourceInfo.Describe(Source.Open(RepoPaths.TestData("sources", "nifti", "int16_scaled.nii")).Roi(new Region([0, 0, 0], [2, 2, 2])));
        Assert.Equal("nifti", nifti["format"]!.GetValue<string>());
        Assert.Equal("float64", nifti["dtype"]!.GetValue<string>());
        Assert.Equal("int16", nifti["storedDType"]!.GetValue<string>());
        Assert.Equal("[2,2,2]", nifti["shape"]!.ToJsonString());
        Assert.Equal("[{\"name\":\"roi\",\"parameters\":{\"begin\":[0,0,0],\"end\":[2,2,2]}}]", nifti["wrappers"]!.ToJsonString());
        var tiff = SourceInfo.Describe(Source.Open(RepoPaths.TestData("sources", "tiff", "uint16_deflate_predictor_big_endian.tif")));
        Assert.Equal("big", tiff["byteOrder"]!.GetValue<string>());
        Assert.Equal(5, tiff["pages"]!.GetValue<long>());
        Assert.Equal(0, SourceInfo.Describe(Source.Open(RepoPaths.TestData("sources", "mrc", "int8_mode0.mrc")))["mrcMode"]!.GetValue<int>());
    }

    [Fact]
    public void Hdf5_write_is_read_back_by_h5py()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bioimage-h5-{Guid.NewGuid():N}.h5");
        try
        {
            using var data = NdArray<short>.Allocate([3, 5, 7]);
            for (int i = 0; i < data.Length; i++)
            {
                data.Span[i] = (short)((i * 37) - 500);
            }

            Hdf5Source.Write(path, "a/b/data", data, [2, 4, 4]);
            string sum = Python.Run("import sys, h5py; d = h5py.File(sys.argv[1], 'r')['a/b/data'][...]; print(d.dtype, d.shape, int(d.astype('int64').sum()), int(d[2, 4, 6]))", path);
            Assert.Equal($"int16 (3, 5, 7) {data.Span.ToArray().Sum(v => (long)v)} {data[2, 4, 6]}", sum.Trim());
            var source = Source.Open(path, "a/b/data");
            source.DType.Dispatch(new CompareToArray<short>(source, data));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tiff_pages_beyond_libtiff_nets_32767_directory_limit_are_read()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bioimage-pages-{Guid.NewGuid():N}.tif");
        try
        {
            Python.Run("import sys, numpy as np, tifffile; tifffile.imwrite(sys.argv[1], (np.arange(33000 * 6) % 251).astype(np.uint8).reshape(33000, 2, 3), photometric='minisblack')", path);
            var source = Source.Open(path);
            Assert.Equal([33000L, 2, 3], source.Shape);
            var region = new Region([32760, 0, 0], [33000, 2, 3]);
            using var pages = SourceReads.Read<byte>(source, region);
            for (int i = 0; i < pages.Length; i++)
            {
                Assert.Equal((byte)(((32760 * 6) + i) % 251), pages.Span[i]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string Expected(string name) =>
        name == "slices" ? RepoPaths.TestData("sources", "slices.expected.npy") : RepoPaths.TestData("sources", name + ".expected.npy");

    /// <summary>The whole array and an odd inner region (and a single voxel) equal the expected array.</summary>
    private sealed class CompareRegions(ISource source, string expectedPath) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var expected = NpyFile.Read<T>(expectedPath);
            foreach (var region in RegionsOf(source.Shape))
            {
                using var actual = SourceReads.Read<T>(source, region);
                using var want = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
                RegionView.Of(expected, region).CopyTo(RegionView.Of(want, Region.FromShape(region.Shape)));
                Assert.True(MemoryMarshal.AsBytes(want.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Span)), $"{source.Spec?.Path} {region} differs from {expectedPath}.");
            }

            return true;
        }

        private static IEnumerable<Region> RegionsOf(IReadOnlyList<long> shape)
        {
            long[] full = shape.ToArray();
            yield return Region.FromShape(full);
            yield return new Region(full.Select(e => e / 3).ToArray(), full.Select(e => Math.Max(e / 3 + 1, e - 1)).ToArray());
            yield return Region.FromBeginAndShape(full.Select(e => e - 1).ToArray(), full.Select(_ => 1L).ToArray());
        }
    }

    private sealed class CompareToArray<TElement>(ISource source, NdArray<TElement> expected) : IDTypeFunc<bool>
        where TElement : unmanaged
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var actual = SourceReads.Read<T>(source, Region.FromShape(source.Shape.ToArray()));
            Assert.True(MemoryMarshal.AsBytes(expected.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Span)));
            return true;
        }
    }
}

/// <summary>Reads a region of a source into a fresh array.</summary>
internal static class SourceReads
{
    public static NdArray<T> Read<T>(ISource source, Region region)
        where T : unmanaged, INumber<T>
    {
        var array = NdArray<T>.Allocate(region.GetShapeAsInt32());
        source.Read(region, RegionView.Of(array, Region.FromShape(region.Shape)));
        return array;
    }
}
