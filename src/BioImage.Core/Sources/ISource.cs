using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources;

/// <summary>
/// What every operation reads from and writes to: an n-dimensional array with a shape, a dtype, optional
/// chunks, region reads and (when <see cref="Writable"/>) region writes, and a <see cref="Spec"/> from which
/// another process reopens the same data. Regions are global voxel boxes; views receive them in C order.
/// </summary>
/// <remarks>Implementations must allow concurrent reads, and concurrent writes of disjoint regions.</remarks>
public interface ISource
{
    /// <summary>Extent of each axis.</summary>
    IReadOnlyList<long> Shape { get; }

    /// <summary>Element type.</summary>
    DType DType { get; }

    /// <summary>Chunk shape of chunked storage (one per axis); null when the data is not chunked.</summary>
    IReadOnlyList<long>? Chunks { get; }

    /// <summary>
    /// Shard shape of sharded storage (Zarr v3 <c>sharding_indexed</c>): a write unit larger than <see cref="Chunks"/>.
    /// Blocks that share a shard must not be written concurrently, so the runner runs them one after another.
    /// </summary>
    IReadOnlyList<long>? Shards => null;

    /// <summary>True when <see cref="Write{T}"/> is allowed.</summary>
    bool Writable { get; }

    /// <summary>How to reopen this source in another process; null for in-memory data (not distributable).</summary>
    SourceSpec? Spec { get; }

    /// <summary>Reads <paramref name="region"/> (rank ≤ 3) into <paramref name="destination"/> of the region's shape.</summary>
    /// <typeparam name="T">Must be the element type of <see cref="DType"/>.</typeparam>
    void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T>;

    /// <summary>Writes <paramref name="source"/> (the region's shape) to <paramref name="region"/>.</summary>
    /// <typeparam name="T">Must be the element type of <see cref="DType"/>.</typeparam>
    void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T>;
}
