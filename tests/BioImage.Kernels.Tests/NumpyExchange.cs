using BioImage;
using BioImage.Storage;

namespace BioImage.Kernels.Tests;

/// <summary>
/// Hands arrays to a Python oracle and back through .npy files in a temporary folder: <see cref="Put{T}"/> the
/// inputs, <see cref="Run"/> a script that calls <c>load(name)</c> / <c>save(name, array)</c>, then
/// <see cref="Get{T}"/> the outputs. One Python process per <see cref="Run"/>: batch cases to keep tests fast.
/// </summary>
internal sealed class NumpyExchange : IDisposable
{
    private const string Prelude = """
        import sys
        import numpy as np
        folder = sys.argv[1]
        def load(name):
            return np.load(f"{folder}/{name}.npy")
        def save(name, array):
            np.save(f"{folder}/{name}.npy", np.ascontiguousarray(array))

        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-oracle-").FullName;

    public void Put<T>(string name, T[] data, params int[] shape)
        where T : unmanaged
    {
        using var array = NdArray<T>.Allocate(shape, clear: false);
        data.AsSpan().CopyTo(array.Span);
        NpyFile.Write(Path.Combine(_folder, name + ".npy"), array);
    }

    public string Run(string script) => Python.Run(Prelude + script, _folder);

    public T[] Get<T>(string name)
        where T : unmanaged
    {
        using var array = NpyFile.Read<T>(Path.Combine(_folder, name + ".npy"));
        return array.ToArray();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
