using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Storage;

namespace BioImage.Benchmarks.Storage;

/// <summary><see cref="NpyFile"/> read and (atomic) write of the sample volume, through the page cache.</summary>
/// <typeparam name="T">Element type: float32, uint8.</typeparam>
[BenchmarkCategory("Storage")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
public class NpyFileBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private string _folder = "";

    private string ReadPath => Path.Combine(_folder, "read.npy");

    private string WritePath => Path.Combine(_folder, "write.npy");

    /// <summary>Reads the whole file into a pooled array; returns its last voxel.</summary>
    [Benchmark]
    public T Read()
    {
        using var array = NpyFile.Read<T>(ReadPath);
        return array.Span[^1];
    }

    /// <summary>Writes the volume (temporary file + rename); returns the file's length.</summary>
    [Benchmark]
    public long Write()
    {
        NpyFile.Write(WritePath, Volume);
        return new FileInfo(WritePath).Length;
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _folder = Directory.CreateTempSubdirectory("bioimage-bench-").FullName;
        NpyFile.Write(ReadPath, Volume);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs() => Directory.Delete(_folder, recursive: true);
}
