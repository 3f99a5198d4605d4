using System.Numerics;
using BioImage.Storage;

namespace BioImage.Throughput.Ops;

/// <summary>
/// <c>npy-write</c>: <see cref="NpyFile.Write{T}"/> of the whole volume (temporary file + rename) into the page
/// cache (peer: <c>np.save</c>). The result digests the file's data section, so headers may differ.
/// </summary>
internal sealed class NpyWriteOp : ThroughputOp
{
    public override string Name => "npy-write";

    public override bool IsParallel => false;

    public override bool IsGated => false;

    /// <summary>Array → page cache: every byte is read once and written once.</summary>
    public override int BytesPerVoxel(int itemSize) => 2 * itemSize;

    public override IPreparedOp Prepare<T>(OpInput<T> input) =>
        new Prepared<T>(input.Volume, Path.Combine(input.WorkDir, $"written-by-ours-{input.Volume.DType.NumpyName()}.npy"));

    private sealed class Prepared<T>(NdArray<T> volume, string path) : IPreparedOp
        where T : unmanaged, INumber<T>
    {
        public long Voxels => volume.Length;

        public void Run(int threads) => NpyFile.Write(path, volume);

        public IReadOnlyDictionary<string, object> Result()
        {
            byte[] file = File.ReadAllBytes(path);
            int dataBytes = volume.Length * volume.DType.ItemSize();
            return new Dictionary<string, object> { ["data_sha256"] = Digest.Of<byte>(file.AsSpan(file.Length - dataBytes)) };
        }

        public void Dispose() => File.Delete(path);
    }
}
