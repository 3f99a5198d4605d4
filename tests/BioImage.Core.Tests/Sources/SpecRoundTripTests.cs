using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Testing;

namespace BioImage.Core.Tests.Sources;

/// <summary>
/// Every source and wrapper → JSON spec → reopened: in this process from the JSON text, and in worker processes by the
/// subprocess runner (copying block by block to .npy) — both read exactly what the original source reads.
/// </summary>
public sealed class SpecRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("specs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string?, string> Sources => new()
    {
        { "mrc/float16_mode12.mrc", null, string.Empty },
        { "mrc/int16_big_endian.mrc", "data", "roi:1,2,1;3,7,5" },
        { "nifti/float32.nii.gz", null, "normalize" },
        { "nifti/int16_scaled.nii", null, "pad:1,2,3" },
        { "tiff/uint16_lzw_tiled_big_endian.tif", null, "threshold:30000" },
        { "tiff/int32_bigtiff.tif", null, string.Empty },
        { "slices", "*.tif", "roi:0,1,1;3,13,8|threshold:0" },
        { "hdf5/volumes.h5", "group/inner/float", string.Empty },
        { "nifti/uint16_2d.nii", null, "expand_dims:0" },
        { "hdf5/volumes.h5", "raw", "resized:4,9,13;3;aa" },
        { "mrc/int16_big_endian.mrc", "data", "roi:1,2,1;3,7,5|resized:5,3,11;0;" },
        { "nifti/uint16_2d.nii", null, "resized:9,14;1;" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reopened_specs_read_identically_here_and_in_worker_processes(string file, string? key, string wrappers)
    {
        var source = Source.Open(RepoPaths.TestData("sources", file), key);
        if (wrappers.Length > 0)
        {
            source = WrapperTests.Wrap(source, wrappers);
        }

        string json = JsonSerializer.Serialize(source.Spec);
        var spec = JsonSerializer.Deserialize<SourceSpec>(json)!;
        Assert.Equal(source.Spec, spec);
        var reopened = Source.Open(spec);
        Assert.Equal(source.Shape, reopened.Shape);
        Assert.Equal(source.DType, reopened.DType);
        Assert.Equal(json, JsonSerializer.Serialize(reopened.Spec));

        string copy = Path.Combine(_directory, "copy.npy");
        var output = NpySource.Create(copy, source.DType, source.Shape);
        // normalize works per read (bioimage-py semantics), so it is copied as one block to compare with the whole read.
        var blockShape = wrappers.Contains("normalize", StringComparison.Ordinal) ? source.Shape : source.Shape.Select(e => Math.Max(1, (e + 1) / 2)).ToArray();
        Runner.Run(new CopyOperation(), [source], [output], new RunOptions { JobType = JobType.Subprocess, Workers = 2, BlockShape = blockShape });
        source.DType.Dispatch(new CompareWhole(source, reopened, copy));
    }

    [Fact]
    public void Specs_without_wrappers_keep_the_original_json_shape()
    {
        var spec = Source.Open(RepoPaths.TestData("sources", "tiff", "uint16_stack.tif")).Spec!;
        string json = JsonSerializer.Serialize(spec);
        Assert.DoesNotContain("wrappers", json, StringComparison.Ordinal);
        Assert.Equal(spec, JsonSerializer.Deserialize<SourceSpec>("{\"format\":\"tiff\",\"path\":" + JsonSerializer.Serialize(spec.Path) + ",\"key\":null,\"mode\":\"r\"}"));
        string wrapped = JsonSerializer.Serialize(Source.Open(spec).Spec! with { Wrappers = [WrapperSpec.Of("threshold", ("threshold", 128.0))] });
        Assert.Contains("\"wrappers\":[{\"name\":\"threshold\",\"parameters\":{\"threshold\":128}}]", wrapped, StringComparison.Ordinal);
        var unknown = spec with { Wrappers = [WrapperSpec.Of("sharpen")] };
        Assert.Contains("known wrappers", Assert.Throws<ArgumentException>(() => Source.Open(unknown)).Message, StringComparison.Ordinal);
        var missing = spec with { Wrappers = [WrapperSpec.Of("threshold")] };
        Assert.Contains("needs the parameter 'threshold'", Assert.Throws<ArgumentException>(() => Source.Open(missing)).Message, StringComparison.Ordinal);
    }

    private sealed class CompareWhole(ISource source, ISource reopened, string copy) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var all = Region.FromShape(source.Shape.ToArray());
            using var original = SourceReads.Read<T>(source, all);
            using var again = SourceReads.Read<T>(reopened, all);
            using var copied = NpyFile.Read<T>(copy);
            Assert.True(MemoryMarshal.AsBytes(original.Span).SequenceEqual(MemoryMarshal.AsBytes(again.Span)), "The reopened spec reads differently.");
            Assert.True(MemoryMarshal.AsBytes(original.Span).SequenceEqual(MemoryMarshal.AsBytes(copied.Span)), "The worker processes read differently.");
            return true;
        }
    }
}
