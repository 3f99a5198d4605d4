using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Sources;
using BioImage.Sources.Wrappers;
using BioImage.Storage;
using BioImage.Testing;

namespace BioImage.Core.Tests.Sources;

/// <summary>Every wrapper read equals numpy applied to the Python package's read of the fixture (bioimage-py semantics).</summary>
public sealed class WrapperTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wrappers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Fixture, key, expected file, wrappers to apply, numpy expression of <c>a</c> (the expected array), region to read (numpy slices).</summary>
    public static TheoryData<string, string?, string, string, string, string> Cases => new()
    {
        { "hdf5/volumes.h5", "raw", "hdf5/raw", "threshold:30000.5", "np.greater(a, 30000.5)", ":, :, :" },
        { "tiff/float32_deflate.tif", null, "tiff/float32_deflate.tif", "threshold:-20.25", "np.greater(a, -20.25)[1:3, 2:17, :]", "1:3, 2:17, :" },
        { "nifti/int16_scaled.nii", null, "nifti/int16_scaled.nii", "threshold:100", "np.greater(a, 100.0)", ":, :, :" },
        { "mrc/int8_mode0.mrc", null, "mrc/int8_mode0.mrc", "threshold:-0.5", "np.greater(a, -0.5)", ":, :, :" },
        { "hdf5/volumes.h5", "group/labels", "hdf5/group_labels", "threshold:7.5", "np.greater(a, 7.5)", ":, :, :" },
        { "hdf5/volumes.h5", "raw", "hdf5/raw", "normalize", "norm(a[1:4, 3:11, 5:20], np.float32)", "1:4, 3:11, 5:20" },
        { "mrc/float32_mode2.mrc", null, "mrc/float32_mode2.mrc", "normalize:float64", "norm(a, np.float64)", ":, :, :" },
        { "tiff/uint16_stack.tif", null, "tiff/uint16_stack.tif", "roi:1,4,6;4,30,41", "a[1:4, 4:30, 6:41]", ":, :, :" },
        { "tiff/uint16_stack.tif", null, "tiff/uint16_stack.tif", "roi:1,4,6;4,30,41", "a[1:4, 4:30, 6:41][1:3, 20:26, 30:35]", "1:3, 20:26, 30:35" },
        { "nifti/uint16_2d.nii", null, "nifti/uint16_2d.nii", "pad:3,2", "np.pad(a, ((0, 3), (0, 2)))", ":, :" },
        { "mrc/int16_mode1.mrc", null, "mrc/int16_mode1.mrc", "pad:1,0,4", "np.pad(a, ((0, 1), (0, 0), (0, 4)))[2:5, 1:9, 1:7]", "2:5, 1:9, 1:7" },
        { "tiff/float64_page.tif", null, "tiff/float64_page.tif", "expand_dims:1", "np.expand_dims(a, 1)", ":, :, :" },
        { "tiff/float64_page.tif", null, "tiff/float64_page.tif", "expand_dims:-1", "np.expand_dims(a, -1)[2:9, :, :]", "2:9, :, :" },
        { "hdf5/volumes.h5", "int8", "hdf5/int8", "expand_dims:0", "np.expand_dims(a, 0)", ":, :" },
        { "tiff/uint16_stack.tif", null, "tiff/uint16_stack.tif", "roi:0,2,2;5,31,45|pad:0,3,3|threshold:40000", "np.greater(np.pad(a[0:5, 2:31, 2:45], ((0, 0), (0, 3), (0, 3))), 40000.0)", ":, :, :" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wrapped_reads_equal_numpy(string file, string? key, string expected, string wrappers, string expression, string slices)
    {
        var source = Wrap(Source.Open(RepoPaths.TestData("sources", file), key), wrappers);
        string oracle = Path.Combine(_directory, "oracle.npy");
        Python.Run(
            "import sys, numpy as np\n" +
            "def norm(x, dtype):\n    x = x.astype(dtype)\n    x -= x.min()\n    x /= (x.max() + 1e-6)\n    return x\n" +
            "a = np.load(sys.argv[1])\nnp.save(sys.argv[2], np.ascontiguousarray(eval(sys.argv[3])))",
            SourceFixtureTests.Expected(expected),
            oracle,
            expression);
        var region = ParseSlices(slices, source.Shape);
        var header = NpyFile.ReadHeader(oracle);
        Assert.Equal(header.DType, source.DType);
        Assert.Equal(header.Shape.Select(e => (long)e), region.Shape.ToArray());
        source.DType.Dispatch(new CompareRead(source, region, oracle));
    }

    [Fact]
    public void Roi_writes_land_in_the_base_source_and_wrappers_of_read_only_sources_refuse_writes()
    {
        string path = Path.Combine(_directory, "base.npy");
        var npy = NpySource.Create(path, DType.Int32, [4, 5, 6]);
        var roi = npy.Roi(new Region([1, 2, 3], [3, 5, 6]));
        Assert.True(roi.Writable);
        using var values = NdArray<int>.Allocate([2, 3, 3]);
        for (int i = 0; i < values.Length; i++)
        {
            values.Span[i] = i + 1;
        }

        roi.Write<int>(new Region([0, 0, 0], [2, 3, 3]), values.AsSpan3D());
        using var all = NpyFile.Read<int>(path);
        Assert.Equal(1, all[1, 2, 3]);
        Assert.Equal(18, all[2, 4, 5]);
        Assert.Equal(0, all[0, 0, 0]);
        Assert.Equal(values.Span.Length * (values.Span.Length + 1) / 2, all.Span.ToArray().Sum());

        var readOnly = Source.Open(RepoPaths.TestData("sources", "tiff", "uint16_stack.tif")).Roi(new Region([0, 0, 0], [1, 1, 1]));
        Assert.False(readOnly.Writable);
        Assert.Throws<NotSupportedException>(() => readOnly.Write<ushort>(new Region([0, 0, 0], [1, 1, 1]), new Span3D<ushort>(new ushort[1], 1, 1, 1)));
        Assert.Throws<NotSupportedException>(() => npy.Threshold(3).Write<byte>(new Region([0, 0, 0], [1, 1, 1]), new Span3D<byte>(new byte[1], 1, 1, 1)));
        Assert.Contains("not inside", Assert.Throws<ArgumentOutOfRangeException>(() => npy.Roi(new Region([0, 0, 0], [5, 1, 1]))).Message, StringComparison.Ordinal);
        Assert.Contains("at most 3", Assert.Throws<ArgumentOutOfRangeException>(() => npy.ExpandDims(0)).Message, StringComparison.Ordinal);
        Assert.Contains("before the start", Assert.Throws<ArgumentException>(() => npy.Pad(-1, 0, 0)).Message, StringComparison.Ordinal);
    }

    /// <summary>Fixture, key, expected file, resized wrapper ("resized:SHAPE;ORDER;aa or empty").</summary>
    public static TheoryData<string, string?, string, string> ResizedCases => new()
    {
        { "hdf5/volumes.h5", "raw", "hdf5/raw", "resized:3,9,11;1;aa" },
        { "hdf5/volumes.h5", "raw", "hdf5/raw", "resized:7,11,30;3;" },
        { "hdf5/volumes.h5", "raw", "hdf5/raw", "resized:4,13,17;5;aa" },
        { "hdf5/volumes.h5", "group/labels", "hdf5/group_labels", "resized:3,11,5;0;" },
        { "hdf5/volumes.h5", "group/inner/float", "hdf5/group_inner_float", "resized:2,5,4;0;aa" },
        { "hdf5/volumes.h5", "image", "hdf5/image", "resized:8,27;2;aa" },
        { "hdf5/volumes.h5", "image", "hdf5/image", "resized:11,6;4;" },
    };

    /// <summary>
    /// The resized wrapper against scipy (bioimage-py's ResizedSource: output o samples input o·in/out, i.e.
    /// affine_transform with diag(in/out), B-spline prefilter, mirror border; anti-aliasing = gaussian_filter with
    /// skimage's σ first): order 0 without anti-aliasing exactly and in the input's dtype, otherwise within float32
    /// rounding. Every region read equals the same voxels of the whole read bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(ResizedCases))]
    public void Resized_reads_equal_scipy_and_every_region_equals_the_whole_read(string file, string? key, string expected, string wrapper)
    {
        var source = (ResizedSource)Wrap(Source.Open(RepoPaths.TestData("sources", file), key), wrapper);
        string oracle = Path.Combine(_directory, "resized.npy");
        Python.Run(
            """
            import sys, numpy as np, scipy.ndimage as ndi
            a = np.load(sys.argv[1])
            shape = tuple(int(v) for v in sys.argv[3].split(','))
            order, aa = int(sys.argv[4]), sys.argv[5] == 'True'
            factors = np.array(a.shape) / np.array(shape)
            if order == 0 and not aa:
                out = ndi.affine_transform(a, np.diag(factors), output_shape=shape, order=0, mode='mirror', output=a.dtype)
            else:
                x = a.astype(np.float64)
                if aa:
                    x = ndi.gaussian_filter(x, np.maximum(0, (factors - 1) / 2), mode='mirror')
                out = ndi.affine_transform(x, np.diag(factors), output_shape=shape, order=order, mode='mirror', prefilter=True)
            np.save(sys.argv[2], out)
            """,
            SourceFixtureTests.Expected(expected),
            oracle,
            string.Join(',', source.Shape),
            source.Order.ToString(System.Globalization.CultureInfo.InvariantCulture),
            source.AntiAliasing.ToString());
        Assert.Equal(source.Order == 0 && !source.AntiAliasing ? source.Inner.DType : source.Inner.DType == DType.Float64 ? DType.Float64 : DType.Float32, source.DType);
        source.DType.Dispatch(new CompareResized(source, oracle));
    }

    internal static ISource Wrap(ISource source, string wrappers)
    {
        foreach (string wrapper in wrappers.Split('|'))
        {
            string[] parts = wrapper.Split(':');
            long[] Numbers(string text) => text.Split(',').Select(long.Parse).ToArray();
            source = parts[0] switch
            {
                "threshold" => source.Threshold(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)),
                "normalize" => source.Normalize(parts.Length > 1 ? DTypes.Parse(parts[1]) : DType.Float32),
                "roi" => source.Roi(new Region(Numbers(parts[1].Split(';')[0]), Numbers(parts[1].Split(';')[1]))),
                "pad" => source.Pad(Numbers(parts[1])),
                "expand_dims" => source.ExpandDims(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)),
                "resized" => source.Resized(Numbers(parts[1].Split(';')[0]), int.Parse(parts[1].Split(';')[1], System.Globalization.CultureInfo.InvariantCulture), parts[1].Split(';')[2] == "aa"),
                _ => throw new ArgumentException(wrapper, nameof(wrappers)),
            };
        }

        return source;
    }

    /// <summary>numpy slices ("1:3, :, 2:") to a region of <paramref name="shape"/>.</summary>
    internal static Region ParseSlices(string slices, IReadOnlyList<long> shape)
    {
        var parts = slices.Split(',', StringSplitOptions.TrimEntries);
        var begin = new long[shape.Count];
        var end = new long[shape.Count];
        for (int axis = 0; axis < shape.Count; axis++)
        {
            var bounds = parts[axis].Split(':');
            begin[axis] = bounds[0].Length == 0 ? 0 : long.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
            end[axis] = bounds[1].Length == 0 ? shape[axis] : long.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        return new Region(begin, end);
    }

    private sealed class CompareResized(ResizedSource source, string oraclePath) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var shape = source.Shape.ToArray();
            using var whole = SourceReads.Read<T>(source, Region.FromShape(shape));
            if (source.Order == 0 && !source.AntiAliasing)
            {
                using var exact = NpyFile.Read<T>(oraclePath);
                Assert.True(MemoryMarshal.AsBytes(exact.Span).SequenceEqual(MemoryMarshal.AsBytes(whole.Span)), $"{source.Spec} differs from scipy's order-0 resize.");
            }
            else
            {
                using var oracle = NpyFile.Read<double>(oraclePath);
                double scale = oracle.Span.ToArray().Max(Math.Abs), tolerance = (typeof(T) == typeof(double) ? 1e-9 : 1e-4) * scale;
                for (int i = 0; i < oracle.Length; i++)
                {
                    Assert.True(Math.Abs(double.CreateTruncating(whole.Span[i]) - oracle.Span[i]) <= tolerance, $"voxel {i}: {whole.Span[i]} vs scipy {oracle.Span[i]}");
                }
            }

            var random = new Random(5);
            for (int trial = 0; trial < 12; trial++)
            {
                var begin = new long[shape.Length];
                var end = new long[shape.Length];
                for (int axis = 0; axis < shape.Length; axis++)
                {
                    begin[axis] = random.NextInt64(shape[axis]);
                    end[axis] = random.NextInt64(begin[axis] + 1, shape[axis] + 1);
                }

                var region = new Region(begin, end);
                using var part = SourceReads.Read<T>(source, region);
                var expected = SliceOf(whole.Span, shape, region);
                Assert.True(MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(part.Span)), $"region {region} differs from the whole read.");
            }

            return true;
        }

        private static T[] SliceOf<T>(ReadOnlySpan<T> whole, long[] shape, Region region)
            where T : unmanaged
        {
            var box = Box3.Of(region);
            var full = Box3.Of(Region.FromShape(shape));
            var view = new ReadOnlySpan3D<T>(whole, full.Depth, full.Height, full.Width).Slice((int)box.Z, (int)box.Y, (int)box.X, box.Depth, box.Height, box.Width);
            var result = new T[box.Depth * box.Height * box.Width];
            view.CopyTo(new Span3D<T>(result, box.Depth, box.Height, box.Width));
            return result;
        }
    }

    private sealed class CompareRead(ISource source, Region region, string oraclePath) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var oracle = NpyFile.Read<T>(oraclePath);
            using var actual = SourceReads.Read<T>(source, region);
            Assert.True(MemoryMarshal.AsBytes(oracle.Span).SequenceEqual(MemoryMarshal.AsBytes(actual.Span)), $"{source.Spec} {region} differs from numpy.");
            return true;
        }
    }
}
