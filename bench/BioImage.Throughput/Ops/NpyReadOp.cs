using System.Numerics;
using BioImage.Storage;

namespace BioImage.Throughput.Ops;

/// <summary><c>npy-read</c>: <see cref="NpyFile.Read{T}"/> of the whole input file from the page cache (peer: <c>np.load</c>).</summary>
internal sealed class NpyReadOp : ThroughputOp
{
    public override string Name => "npy-read";

    public override bool IsParallel => false;

    public override bool IsGated => false;

    /// <summary>Page cache → array: every byte is read once and written once.</summary>
    public override int BytesPerVoxel(int itemSize) => 2 * itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input) => new Prepared<T>(input.Path, input.Volume.Length);

    private sealed class Prepared<T>(string path, long voxels) : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        private NdArray<T>? _last;

        public long Voxels => voxels;

        public void Run(int threads)
        {
            _last?.Dispose();
            _last = NpyFile.Read<T>(path);
        }

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>
        {
            ["array_sha256"] = Digest.Of<T>(_last!.Span),
        };

        public void Dispose() => _last?.Dispose();
    }
}
