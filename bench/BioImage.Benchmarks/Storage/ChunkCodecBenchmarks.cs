using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BioImage.Storage.Codecs;
using BioImage.Storage.Codecs.Native;

namespace BioImage.Benchmarks.Storage;

/// <summary>
/// Encode and decode of one chunk (the sample volume of each shape, 64³ being the storage benchmark's chunk) per
/// compressor, in memory, with the system's native libraries (libzstd, liblz4, libdeflate) and with the managed
/// fallbacks (ZstdSharp, K4os, System.IO.Compression): the codec's share of <see cref="ChunkedArrayBenchmarks{T}"/>.
/// </summary>
/// <typeparam name="T">Element type: float32, uint8.</typeparam>
[BenchmarkCategory("Storage")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
public class ChunkCodecBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private IBytesToBytesCodec _codec = null!;
    private ChunkSpec _spec = null!;
    private byte[] _encoded = [];
    private int _encodedLength;
    private byte[] _decoded = [];

    /// <summary>The compressor, as <see cref="CompressorSpec"/> spells it.</summary>
    [Params("blosc:lz4:5:shuffle", "zstd:1", "gzip:1", "lz4")]
    public string Codec { get; set; } = "zstd:1";

    /// <summary>True: the native libraries through P/Invoke; false: the managed fallbacks.</summary>
    [Params(true, false)]
    public bool Native { get; set; }

    /// <summary>Compresses the chunk into a reused buffer; returns the compressed length.</summary>
    [Benchmark]
    public int Encode()
    {
        NativeCodecs.PreferNative = Native;
        return _codec.Encode(MemoryMarshal.AsBytes(Volume.Span), _encoded, _spec);
    }

    /// <summary>Decompresses the stored chunk into a reused buffer; returns the decoded length.</summary>
    [Benchmark]
    public int Decode()
    {
        NativeCodecs.PreferNative = Native;
        return _codec.Decode(_encoded.AsSpan(0, _encodedLength), _decoded, _spec);
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _codec = CompressorSpec.Parse(Codec) ?? throw new InvalidOperationException("raw has no codec to benchmark.");
        _spec = new ChunkSpec(Volume.Shape.ToArray(), Volume.DType, new byte[Volume.DType.ItemSize()]);
        var chunk = MemoryMarshal.AsBytes(Volume.Span);
        _encoded = new byte[_codec.MaxEncodedLength(chunk.Length)];
        _decoded = new byte[chunk.Length];
        NativeCodecs.PreferNative = Native;
        _encodedLength = _codec.Encode(chunk, _encoded, _spec);
        _codec.Decode(_encoded.AsSpan(0, _encodedLength), _decoded, _spec);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs() => NativeCodecs.PreferNative = true;
}
