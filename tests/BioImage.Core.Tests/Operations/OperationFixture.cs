using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Shared set-up of the block-wise operation tests: a temp folder, a synthetic odd-shaped input, Zarr outputs whose
/// chunks equal the block shape (which does not divide the volume), and run options per backend.
/// </summary>
internal sealed class OperationFixture : IDisposable
{
    public static readonly int[] Shape = [13, 17, 19];

    public OperationFixture(string prefix)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Directory { get; }

    /// <summary>Writes a synthetic float32 volume (converted to <typeparamref name="T"/>) as .npy and returns its path and data.</summary>
    public (string Path, NdArray<T> Data) Input<T>(string name, Func<float, T> convert)
        where T : unmanaged
    {
        using var volume = SyntheticVolume.Generate<float>(Shape, blobCount: 6, seed: 3);
        var data = NdArray<T>.Allocate(Shape);
        for (int i = 0; i < volume.Length; i++)
        {
            data.Span[i] = convert(volume.Span[i]);
        }

        string path = Path.Combine(Directory, name + ".npy");
        NpyFile.Write(path, data);
        return (path, data);
    }

    /// <summary>A Zarr v2 output chunked by <paramref name="chunks"/> (the block shape, with a leading channel chunk for channel outputs).</summary>
    public ChunkedSource Output(string name, long[] shape, DType dtype, int[] chunks) =>
        ChunkedSource.Create(Path.Combine(Directory, name + ".zarr"), null, new ArrayOptions
        {
            Shape = shape,
            DType = dtype,
            Chunks = chunks,
            Format = StorageFormat.ZarrV2,
        });

    public static T[] ReadAll<T>(ChunkedSource source)
        where T : unmanaged
    {
        using var data = ChunkedArray.Open(source.Spec.Path).Read<T>();
        return data.ToArray();
    }

    public RunOptions Options(JobType jobType, int workers, long[] blockShape) => new()
    {
        JobType = jobType,
        Workers = workers,
        BlockShape = blockShape,
        TmpRoot = Path.Combine(Directory, "tmp"),
        Slurm = jobType == JobType.Slurm ? new SlurmConfig { LatencyWait = 2, PollInterval = 0.3 } : null,
    };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
