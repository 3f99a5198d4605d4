using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>
/// The memory-bandwidth reference, STREAM's "copy" kernel: one reused array copied into another (both touched
/// once up front), split into chunks across the threads. Bandwidth counts the bytes read plus the bytes written,
/// as STREAM does.
/// </summary>
/// <param name="bytes">Size of each of the two arrays.</param>
internal sealed class MemoryCopy(int bytes) : SlabRun<ValueTuple>(Chunks, bytes)
{
    /// <summary>Pieces the copy splits into; threads take contiguous runs of them.</summary>
    private const int Chunks = 64;

    private readonly byte[] _source = Touched(bytes, 1);
    private readonly byte[] _destination = Touched(bytes, 0);

    /// <summary>Bytes moved per run: every byte is read once and written once.</summary>
    public long BytesMoved => 2L * bytes;

    public override IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>();

    protected override ValueTuple RunSlab(int begin, int end)
    {
        int from = (int)((long)bytes * begin / Chunks), to = (int)((long)bytes * end / Chunks);
        _source.AsSpan(from, to - from).CopyTo(_destination.AsSpan(from, to - from));
        return default;
    }

    protected override ValueTuple Merge(ValueTuple first, ValueTuple second) => default;

    private static byte[] Touched(int length, byte value)
    {
        var array = GC.AllocateUninitializedArray<byte>(length);
        array.AsSpan().Fill(value);
        return array;
    }
}
