using System.Numerics;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>zarr-write-CODEC</c> / <c>zarr-read-CODEC</c>: the whole volume written to / read from a Zarr v2 array with
/// 64³ chunks through the page cache, chunks encoded or decoded in parallel (peer: zarr-python 2.13 with the same
/// numcodecs compressor). Codecs: raw, blosc-lz4-shuffle (blosc lz4, level 5, byte shuffle), zstd-1, gzip-1.
/// The storage benchmark of issue 3 (512³ uint8 and 256³ float32) is two runs, as the harness has one shape per run:
/// <c>bench/compare.sh zarr-read-raw … zarr-write-gzip-1 --shape 512,512,512 --dtypes uint8</c>, then the same ops
/// with <c>--shape 256,256,256 --dtypes float32</c>.
/// </summary>
internal sealed class ZarrOp(bool write, string codecName, Func<IBytesToBytesCodec?> codec) : ThroughputOp
{
    /// <summary>The four codecs of the storage benchmark (issue 3), read and write each.</summary>
    public static IEnumerable<ZarrOp> All()
    {
        var codecs = new (string Name, Func<IBytesToBytesCodec?> Codec)[]
        {
            ("raw", () => null),
            ("blosc-lz4-shuffle", () => new BloscCodec("lz4", 5, BloscShuffle.Shuffle)),
            ("zstd-1", () => new ZstdCodec(1)),
            ("gzip-1", () => new DeflateCodec(1)),
        };
        foreach (var (name, factory) in codecs)
        {
            yield return new ZarrOp(write: false, name, factory);
            yield return new ZarrOp(write: true, name, factory);
        }
    }

    public override string Name => $"zarr-{(write ? "write" : "read")}-{codecName}";

    public override IReadOnlyList<DType> DTypes => [DType.UInt8, DType.Float32];

    public override bool IsGated => false;

    /// <summary>Array ↔ page cache: every byte is read once and written once (plus the codec's own traffic).</summary>
    public override int BytesPerVoxel(int itemSize) => 2 * itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input)
    {
        string path = Path.Combine(input.WorkDir, $"zarr-by-ours-{codecName}-{input.Volume.DType.NumpyName()}.zarr");
        var options = new ArrayOptions
        {
            Shape = input.Volume.Shape.ToArray().Select(e => (long)e).ToArray(),
            DType = input.Volume.DType,
            Chunks = input.Volume.Shape.ToArray().Select(e => Math.Min(e, 64)).ToArray(),
            Format = StorageFormat.ZarrV2,
            Compressor = codec(),
        };
        var array = ChunkedArray.Create(path, null, options);
        array.WriteEmptyChunks = true;
        array.WriteRegion(Region.FromShape(options.Shape), input.Volume);
        return new Prepared<T>(write, path, options, input.Volume);
    }

    private sealed class Prepared<T>(bool write, string path, ArrayOptions options, NdArray<T> volume) : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        private readonly NdArray<T> _read = NdArray<T>.Allocate(volume.Shape);

        public long Voxels => volume.Length;

        public void Run(int threads)
        {
            var region = Region.FromShape(options.Shape);
            if (write)
            {
                var array = ChunkedArray.Create(path, null, options, threads);
                array.WriteEmptyChunks = true;
                array.WriteRegion(region, volume);
            }
            else
            {
                var array = ChunkedArray.Open(path);
                array.MaxDegreeOfParallelism = threads;
                array.ReadRegion(region, _read);
            }
        }

        public IReadOnlyDictionary<string, object> Result()
        {
            ChunkedArray.Open(path).ReadRegion(Region.FromShape(options.Shape), _read);
            return new Dictionary<string, object> { ["array_sha256"] = Digest.Of<T>(_read.Span) };
        }

        public void Dispose()
        {
            _read.Dispose();
            Directory.Delete(path, recursive: true);
        }
    }
}
