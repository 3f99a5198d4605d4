using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Codecs.Native;
using BioImage.Storage.Metadata;

namespace BioImage.Benchmarks.Storage;

/// <summary>
/// <see cref="ChunkedArray"/> write and read of the sample volume as Zarr v2 with 64³ chunks through the page cache,
/// per codec, with the system's native zstd/lz4 libraries and with the managed fallbacks (ZstdSharp, K4os).
/// The peer comparison with zarr-python is <c>bench/compare.sh zarr-read-… zarr-write-…</c>.
/// </summary>
/// <typeparam name="T">Element type: float32, uint8.</typeparam>
[BenchmarkCategory("Storage")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
public class ChunkedArrayBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private string _folder = "";
    private ArrayOptions _options = null!;
    private NdArray<T> _read = null!;

    /// <summary>The compressor, as <see cref="CompressorSpec"/> spells it.</summary>
    [Params("raw", "blosc:lz4:5:shuffle", "zstd:1", "gzip:1", "lz4")]
    public string Codec { get; set; } = "raw";

    /// <summary>True: libzstd/liblz4 through P/Invoke; false: the managed packages.</summary>
    [Params(true, false)]
    public bool Native { get; set; }

    private string ReadPath => Path.Combine(_folder, "read.zarr");

    private string WritePath => Path.Combine(_folder, "write.zarr");

    /// <summary>Creates the array and writes the whole volume; returns the number of stored objects.</summary>
    [Benchmark]
    public int Write()
    {
        NativeCodecs.PreferNative = Native;
        var array = ChunkedArray.Create(WritePath, null, _options);
        array.WriteEmptyChunks = true;
        array.WriteRegion(Region.FromShape(_options.Shape), Volume);
        return Directory.GetFiles(WritePath).Length;
    }

    /// <summary>Reads the whole array into a reused buffer; returns its last voxel.</summary>
    [Benchmark]
    public T Read()
    {
        NativeCodecs.PreferNative = Native;
        ChunkedArray.Open(ReadPath).ReadRegion(Region.FromShape(_options.Shape), _read);
        return _read.Span[^1];
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _folder = Directory.CreateTempSubdirectory("bioimage-bench-zarr-").FullName;
        var shape = Volume.Shape.ToArray();
        _options = new ArrayOptions
        {
            Shape = shape.Select(e => (long)e).ToArray(),
            DType = Volume.DType,
            Chunks = shape.Select(e => Math.Min(e, 64)).ToArray(),
            Format = StorageFormat.ZarrV2,
            Compressor = CompressorSpec.Parse(Codec),
        };
        var array = ChunkedArray.Create(ReadPath, null, _options);
        array.WriteEmptyChunks = true;
        array.WriteRegion(Region.FromShape(_options.Shape), Volume);
        _read = NdArray<T>.Allocate(shape);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _read.Dispose();
        NativeCodecs.PreferNative = true;
        Directory.Delete(_folder, recursive: true);
    }
}
