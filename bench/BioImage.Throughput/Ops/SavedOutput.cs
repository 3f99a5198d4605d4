using BioImage.Storage;

namespace BioImage.Throughput.Ops;

/// <summary>
/// An op's output array in a result: written as <c>.npy</c> for compare.py's element-wise check against the peer's
/// (within the peer's tolerance), with its SHA-256 so that two runs of ours must match exactly. Serialized as
/// <c>{"npy": path, "sha256": digest}</c>.
/// </summary>
/// <param name="Npy">The .npy file holding the output.</param>
/// <param name="Sha256">Digest of the output's bytes in C order.</param>
internal sealed record SavedOutput(string Npy, string Sha256)
{
    /// <summary>Writes <paramref name="array"/> to <c>ours-NAME.npy</c> in <paramref name="folder"/>.</summary>
    public static SavedOutput Of<T>(NdArray<T> array, string folder, string name)
        where T : unmanaged
    {
        string path = Path.Combine(folder, $"ours-{name}.npy");
        NpyFile.Write(path, array);
        return new SavedOutput(path, Digest.Of<T>(array.Span));
    }
}
