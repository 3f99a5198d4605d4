using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>byte-shuffle</c>: blosc's byte shuffle (<see cref="ByteShuffle.Shuffle"/>) of the whole volume's bytes with the
/// element size as type size, into a reused buffer (peer: numcodecs' <c>Shuffle(elementsize).encode(a)</c>, the same
/// layout). One buffer, so one thread: the layout depends on the element count.
/// </summary>
internal sealed class ByteShuffleOp : ThroughputOp
{
    public override string Name => "byte-shuffle";

    /// <summary>Wider than a byte: on uint8 the shuffle is a copy.</summary>
    public override IReadOnlyList<DType> DTypes => [DType.Float32, DType.UInt16];

    public override bool IsParallel => false;

    public override int BytesPerVoxel(int itemSize) => 2 * itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Volume);

    private sealed class Prepared<T>(NdArray<T> volume) : IPreparedOp
        where T : unmanaged
    {
        private readonly byte[] _shuffled = new byte[volume.Length * Marshal.SizeOf<T>()];

        public long Voxels => volume.Length;

        public void Run(int threads) => ByteShuffle.Shuffle(MemoryMarshal.AsBytes(volume.Span), _shuffled, Marshal.SizeOf<T>());

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object> { ["shuffled_sha256"] = Digest.Of<byte>(_shuffled) };

        public void Dispose()
        {
        }
    }
}
