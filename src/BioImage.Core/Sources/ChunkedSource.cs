using System.Numerics;
using BioImage.Kernels;
using BioImage.Storage;
using BioImage.Storage.Metadata;

namespace BioImage.Sources;

/// <summary>
/// A Zarr (v2 or v3) or N5 array as a source: reads and writes go through <see cref="ChunkedArray"/>. Its chunks (the
/// inner chunks of a sharded array) are the source's chunks, so the runner only lets whole chunks be written per
/// block; for sharded arrays the shards are <see cref="Shards"/>, and the runner serializes blocks within a shard.
/// </summary>
public sealed class ChunkedSource : ISource
{
    private readonly string _format;

    private ChunkedSource(ChunkedArray array, string format, string path, bool writable)
    {
        Array = array;
        _format = format;
        Path = path;
        Writable = writable;
        Shape = array.Shape.ToArray();
        var metadata = array.Metadata;
        Chunks = (metadata.InnerChunkShape ?? metadata.ChunkShape).Select(e => (long)e).ToArray();
        Shards = metadata.InnerChunkShape is null ? null : metadata.ChunkShape.Select(e => (long)e).ToArray();
    }

    /// <summary>The underlying array.</summary>
    public ChunkedArray Array { get; }

    /// <summary>The container folder.</summary>
    public string Path { get; }

    /// <summary>Opens the array a spec names ("zarr" or "n5"; the metadata decides the exact format).</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ChunkedSource(ChunkedArray.Open(spec.Path, spec.Key), spec.Format, spec.Path, spec.Mode == "r+");
    }

    /// <summary>Creates (or replaces) an array and opens it for writing.</summary>
    /// <param name="path">The container folder.</param>
    /// <param name="key">The array inside it; null: the root.</param>
    /// <param name="options">Shape, dtype, chunks, codecs, ….</param>
    /// <param name="degreeOfParallelism">Most old chunks deleted at once and chunks coded at once (null: all cores).</param>
    public static ChunkedSource Create(string path, string? key, ArrayOptions options, int? degreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string fullPath = System.IO.Path.GetFullPath(path);
        var array = ChunkedArray.Create(fullPath, key, options, degreeOfParallelism);
        return new ChunkedSource(array, options.Format == StorageFormat.N5 ? "n5" : "zarr", fullPath, writable: true);
    }

    /// <summary>
    /// Deletes the temporary files of chunk writes that were killed (a run that failed); call it only when no writer of
    /// this array is running, e.g. after a resume finished. Only files last written before <paramref name="olderThan"/>
    /// go (a concurrent writer's are younger). Returns how many there were.
    /// </summary>
    public int DeleteStrayWrites(DateTime olderThan) => Array.Store is Storage.Stores.FileSystemStore files ? files.DeleteStrayTemporaries(Array.Path, olderThan) : 0;

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType => Array.DType;

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Shards { get; }

    /// <inheritdoc />
    public bool Writable { get; }

    /// <inheritdoc />
    public SourceSpec Spec => new(_format, Path, Array.Path.Length == 0 ? null : Array.Path, Writable ? "r+" : "r");

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T> => Array.ReadRegion(region, destination);

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T>
    {
        if (!Writable)
        {
            throw new InvalidOperationException($"{Path} was opened read-only; open it with mode \"r+\" to write.");
        }

        Array.WriteRegion(region, source);
    }
}
