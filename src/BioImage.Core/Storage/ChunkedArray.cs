using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Storage;

/// <summary>
/// A chunked n-dimensional array in a Zarr v2, Zarr v3 (optionally sharded) or N5 container: create or open it,
/// then read and write any region. Chunks are decoded and encoded in parallel, each into a pooled buffer; a region
/// may span many chunks and partial edge chunks; a missing chunk reads as the fill value.
/// </summary>
/// <remarks>
/// Writes are atomic per stored object (see <see cref="IStore"/>), so processes that write different chunks never
/// interfere; a region that covers part of a chunk is a read-modify-write of that chunk, which two concurrent
/// writers of the same chunk must not do. Errors in stored data are <see cref="InvalidDataException"/>s naming the
/// object (e.g. <c>/data/raw.zarr/c/0/1/2: crc32c checksum mismatch …</c>).
/// </remarks>
public sealed class ChunkedArray
{
    /// <summary>Striped locks that serialise writes of the same chunk within this process (read-modify-write of partial chunks).</summary>
    private static readonly object[] ChunkLocks = Enumerable.Range(0, 64).Select(_ => new object()).ToArray();

    private readonly ChunkSpec _spec;
    private readonly string _prefix;
    private readonly bool _isPlain;

    private ChunkedArray(IStore store, string path, ArrayMetadata metadata)
    {
        Store = store;
        Path = path;
        Metadata = metadata;
        _spec = new ChunkSpec(metadata.ChunkShape, metadata.DType, metadata.FillValue);
        _isPlain = metadata.Codecs is { ArrayToArray.Count: 0, BytesToBytes.Count: 0, ArrayToBytes: BytesCodec { BigEndian: false } } || (metadata.DType.ItemSize() == 1 && metadata.Codecs is { ArrayToArray.Count: 0, BytesToBytes.Count: 0, ArrayToBytes: BytesCodec });
        _prefix = path.Length == 0 ? string.Empty : path + "/";
    }

    /// <summary>The store holding the array.</summary>
    public IStore Store { get; }

    /// <summary>The array's key inside the store ("" for an array at the root).</summary>
    public string Path { get; }

    /// <summary>Everything the metadata says.</summary>
    public ArrayMetadata Metadata { get; }

    /// <summary>Extent of each axis.</summary>
    public ReadOnlySpan<long> Shape => Metadata.Shape;

    /// <summary>Element type.</summary>
    public DType DType => Metadata.DType;

    /// <summary>Number of axes.</summary>
    public int Rank => Metadata.Rank;

    /// <summary>Shape of one stored object (chunk, or shard for sharded arrays).</summary>
    public ReadOnlySpan<int> ChunkShape => Metadata.ChunkShape;

    /// <summary>Store chunks that are entirely fill value (zarr-python's write_empty_chunks); default false: they are deleted instead.</summary>
    public bool WriteEmptyChunks { get; set; }

    /// <summary>Most chunks decoded or encoded at once (default: all cores).</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Opens the array at <paramref name="key"/> inside the container folder <paramref name="path"/>.</summary>
    public static ChunkedArray Open(string path, string? key = null) => Open(new FileSystemStore(path), key ?? string.Empty);

    /// <summary>Opens the array at <paramref name="key"/>, whichever format it is in (zarr v3, zarr v2, N5).</summary>
    /// <exception cref="FileNotFoundException">There is no array (or only a group) at the key.</exception>
    /// <exception cref="InvalidDataException">The metadata is invalid or absurd (naming the file).</exception>
    public static ChunkedArray Open(IStore store, string key)
    {
        ArgumentNullException.ThrowIfNull(store);
        string path = StoreKey.Validate(key?.Trim('/') ?? string.Empty, allowEmpty: true);
        bool v3Group = ZarrV3Format.ReadNode(store, path)?["node_type"]?.ToString() == "group";
        var metadata = v3Group ? null : ZarrV3Format.Read(store, path) ?? ZarrV2Format.Read(store, path) ?? N5Format.Read(store, path);
        if (metadata is not null)
        {
            return new ChunkedArray(store, path, metadata);
        }

        string where = JsonDocuments.Where(store, path);
        bool group = v3Group || store.Contains(StoreKey.Join(path, ZarrV2Format.GroupKey)) || store.Contains(StoreKey.Join(path, N5Format.AttributesKey));
        var arrays = group ? ListArrays(store, path).Take(5).ToList() : [];
        throw new FileNotFoundException(group
            ? $"{where} is a group, not an array; give the key of an array inside it{(arrays.Count > 0 ? $" (e.g. {string.Join(", ", arrays)})" : string.Empty)}."
            : $"No zarr or N5 array at {where} (no zarr.json, .zarray or attributes.json with dimensions).");
    }

    /// <summary>Creates (or replaces) an array at <paramref name="key"/> inside the container folder <paramref name="path"/>.</summary>
    public static ChunkedArray Create(string path, string? key, ArrayOptions options) => Create(new FileSystemStore(path), key ?? string.Empty, options);

    /// <summary>Creates (or replaces: its old chunks are deleted) an array at <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (ranks, non-positive chunks, …).</exception>
    public static ChunkedArray Create(IStore store, string key, ArrayOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        string path = StoreKey.Validate(key?.Trim('/') ?? string.Empty, allowEmpty: true);
        var metadata = options.Format switch
        {
            StorageFormat.ZarrV2 => ZarrV2Format.Create(options),
            StorageFormat.N5 => N5Format.Create(options),
            _ => ZarrV3Format.Create(options),
        };
        try
        {
            metadata.Validate(JsonDocuments.Where(store, path));
        }
        catch (InvalidDataException error)
        {
            throw new ArgumentException(error.Message, nameof(options), error);
        }

        if ((ZarrV3Format.Read(store, path) ?? ZarrV2Format.Read(store, path) ?? N5Format.Read(store, path)) is not null)
        {
            // Deleting files scales with threads (about 30 µs each on ext4); an array of many chunks has many to delete.
            try
            {
                Parallel.ForEach(store.List(path).ToList(), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, store.Delete);
            }
            catch (AggregateException error) when (error.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
            }
        }

        var array = new ChunkedArray(store, path, metadata);
        array.SaveMetadata();
        return array;
    }

    /// <summary>
    /// Writes the metadata documents again, e.g. after changing <see cref="ArrayMetadata.Attributes"/>
    /// (<c>array.Metadata.Attributes["resolution"] = …; array.SaveMetadata();</c>).
    /// </summary>
    public void SaveMetadata()
    {
        switch (Metadata.Format)
        {
            case StorageFormat.ZarrV2: ZarrV2Format.Write(Store, Path, Metadata); break;
            case StorageFormat.N5: N5Format.Write(Store, Path, Metadata); break;
            default: ZarrV3Format.Write(Store, Path, Metadata); break;
        }
    }

    /// <summary>The keys of every array below <paramref name="prefix"/> (any format).</summary>
    public static IEnumerable<string> ListArrays(IStore store, string prefix)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (string key in store.List(prefix))
        {
            string name = key[(key.LastIndexOf('/') + 1)..];
            string folder = key.Length > name.Length ? key[..(key.Length - name.Length - 1)] : string.Empty;
            bool isArray = name switch
            {
                ZarrV2Format.ArrayKey => true,
                ZarrV3Format.MetadataKey => JsonDocuments.Read(store, key)?["node_type"]?.GetValue<string>() == "array",
                N5Format.AttributesKey => JsonDocuments.Read(store, key)?["dimensions"] is not null,
                _ => false,
            };
            if (isArray)
            {
                yield return folder;
            }
        }
    }

    /// <summary>Reads <paramref name="region"/> (default: everything) into a new array.</summary>
    public NdArray<T> Read<T>(Region? region = null)
        where T : unmanaged
    {
        region ??= Region.FromShape(Shape);
        var result = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
        try
        {
            ReadRegion(region, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="region"/> into <paramref name="destination"/> (same shape, C order).</summary>
    public void ReadRegion<T>(Region region, NdArray<T> destination)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckElementType<T>();
        CheckBuffer(region, destination.Shape, nameof(destination));
        ReadCore(region, destination.Memory);
    }

    /// <summary>Reads <paramref name="region"/> into a 3D view (the region's leading axes folded into depth, as <see cref="NdArray{T}.AsSpan3D"/> does).</summary>
    public void ReadRegion<T>(Region region, Span3D<T> destination)
        where T : unmanaged
    {
        using var buffer = Read<T>(region);
        buffer.AsSpan3D().CopyTo(destination);
    }

    /// <summary>Reads <paramref name="region"/> as raw native-endian bytes in C order (untyped entry point).</summary>
    public void ReadRegion(Region region, Memory<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(region);
        CheckRegion(region);
        if (destination.Length != region.VoxelCount * Metadata.DType.ItemSize())
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; region {region} of {DType.NumpyName()} needs {region.VoxelCount * DType.ItemSize()}.", nameof(destination));
        }

        ReadCore(region, destination);
    }

    /// <summary>Writes <paramref name="source"/> (same shape as <paramref name="region"/>, C order) into the array.</summary>
    public void WriteRegion<T>(Region region, NdArray<T> source)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckElementType<T>();
        CheckBuffer(region, source.Shape, nameof(source));
        WriteCore(region, (ReadOnlyMemory<T>)source.Memory);
    }

    /// <summary>Writes a 3D view into <paramref name="region"/> (the region's leading axes folded into depth).</summary>
    public void WriteRegion<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(region);
        using var buffer = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
        source.CopyTo(buffer.AsSpan3D());
        WriteRegion(region, buffer);
    }

    /// <summary>Writes raw native-endian bytes in C order into <paramref name="region"/> (untyped entry point).</summary>
    public void WriteRegion(Region region, ReadOnlyMemory<byte> source)
    {
        ArgumentNullException.ThrowIfNull(region);
        CheckRegion(region);
        if (source.Length != region.VoxelCount * DType.ItemSize())
        {
            throw new ArgumentException($"source holds {source.Length} bytes; region {region} of {DType.NumpyName()} needs {region.VoxelCount * DType.ItemSize()}.", nameof(source));
        }

        WriteCore(region, source);
    }

    /// <summary>The store key of the object at <paramref name="gridPosition"/>.</summary>
    public string ChunkKey(ReadOnlySpan<long> gridPosition) => _prefix + Metadata.ChunkKey(gridPosition);

    private void ReadCore<T>(Region region, Memory<T> destination)
        where T : unmanaged
    {
        CheckRegion(region);
        var regionShape = region.Shape.ToArray();
        ForEachChunk(region, (position, origin, overlap, chunk) =>
        {
            var target = MemoryMarshal.AsBytes(destination.Span);
            var inRegion = Offset(overlap.Begin, region.Begin);
            string key = ChunkKey(position);
            using var stored = Store.GetPooled(key);
            if (stored is null)
            {
                BoxCopy.Fill(target, regionShape, inRegion, overlap.Shape, Metadata.FillValue);
                return;
            }

            // Uncompressed little-endian chunks need no decoding: copy the region straight out of the stored bytes.
            bool plain = _isPlain && stored.Length == _spec.ByteLength;
            if (!plain)
            {
                // A shard that the region only partly covers: decode just the inner chunks it needs.
                bool partial = !overlap.Shape.SequenceEqual(ValidShape(origin));
                Decode(key, stored.Span, chunk.Span, origin, partial ? Offset(overlap.Begin, origin) : null, partial ? Offset(overlap.End, origin) : null);
            }

            BoxCopy.Copy(plain ? stored.Span : chunk.Span, ToLong(Metadata.ChunkShape), Offset(overlap.Begin, origin), target, regionShape, inRegion, overlap.Shape, _spec.ItemSize);
        });
    }

    private void WriteCore<T>(Region region, ReadOnlyMemory<T> source)
        where T : unmanaged
    {
        CheckRegion(region);
        var regionShape = region.Shape.ToArray();
        var chunkShape = ToLong(Metadata.ChunkShape);
        ForEachChunk(region, (position, origin, overlap, chunk) =>
        {
            string key = ChunkKey(position);
            lock (ChunkLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(Store.Location + "/" + key) % ChunkLocks.Length)])
            {
                WriteChunk(MemoryMarshal.AsBytes(source.Span), region, regionShape, chunkShape, key, origin, overlap, chunk.Span);
            }
        });
    }

    private void WriteChunk(ReadOnlySpan<byte> data, Region region, long[] regionShape, long[] chunkShape, string key, long[] origin, Region overlap, Span<byte> chunk)
    {

        var valid = ValidShape(origin);
        bool covered = overlap.Shape.SequenceEqual(valid);
        using var stored = covered ? null : Store.GetPooled(key);
        if (stored is not null)
        {
            Decode(key, stored.Span, chunk, origin);
        }
        else if (!covered || !valid.SequenceEqual(chunkShape))
        {
            BoxCopy.FillElements(chunk, Metadata.FillValue);
        }

        BoxCopy.Copy(data, regionShape, Offset(overlap.Begin, region.Begin), chunk, chunkShape, Offset(overlap.Begin, origin), overlap.Shape, _spec.ItemSize);
        if (!WriteEmptyChunks && BoxCopy.IsAll(chunk, Metadata.FillValue))
        {
            Store.Delete(key);
            return;
        }

        if (_isPlain)
        {
            Store.Set(key, chunk);
            return;
        }

        var spec = Metadata.Format == StorageFormat.N5 ? _spec with { ValidShape = Array.ConvertAll(valid, e => (int)e) } : _spec;
        var encoded = Metadata.Codecs.Encode(chunk, spec);
        try
        {
            Store.Set(key, encoded.AsSpan());
        }
        finally
        {
            CodecChain.ReturnBuffer(encoded);
        }
    }

    private delegate void ChunkAction(long[] position, long[] origin, Region overlap, Memory<byte> chunk);

    /// <summary>Runs <paramref name="action"/> for every stored object that <paramref name="region"/> touches, in parallel, each with a pooled chunk buffer.</summary>
    private void ForEachChunk(Region region, ChunkAction action)
    {
        if (region.IsEmpty)
        {
            return;
        }

        var first = new long[Rank];
        var counts = new long[Rank];
        long total = 1;
        for (int axis = 0; axis < Rank; axis++)
        {
            first[axis] = region.Begin[axis] / Metadata.ChunkShape[axis];
            counts[axis] = ((region.End[axis] - 1) / Metadata.ChunkShape[axis]) - first[axis] + 1;
            total *= counts[axis];
        }

        int chunkBytes = _spec.ByteLength;
        void Run(long index, byte[] buffer)
        {
            var position = new long[Rank];
            var origin = new long[Rank];
            var begin = new long[Rank];
            var end = new long[Rank];
            for (int axis = Rank - 1; axis >= 0; axis--)
            {
                position[axis] = first[axis] + (index % counts[axis]);
                index /= counts[axis];
                origin[axis] = position[axis] * Metadata.ChunkShape[axis];
                begin[axis] = Math.Max(origin[axis], region.Begin[axis]);
                end[axis] = Math.Min(origin[axis] + Metadata.ChunkShape[axis], region.End[axis]);
            }

            action(position, origin, new Region(begin, end), buffer.AsMemory(0, chunkBytes));
        }

        try
        {
            Parallel.For(
                0L,
                total,
                new ParallelOptions { MaxDegreeOfParallelism = total == 1 ? 1 : Math.Max(1, MaxDegreeOfParallelism) },
                () => ArrayPool<byte>.Shared.Rent(Math.Max(chunkBytes, 1)),
                (index, _, buffer) =>
                {
                    Run(index, buffer);
                    return buffer;
                },
                buffer => ArrayPool<byte>.Shared.Return(buffer));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }
    }

    private void Decode(string key, ReadOnlySpan<byte> stored, Span<byte> chunk, long[] origin, long[]? begin = null, long[]? end = null)
    {
        try
        {
            if (begin is not null && end is not null && Metadata.Codecs is { ArrayToArray.Count: 0, BytesToBytes.Count: 0, ArrayToBytes: ShardingCodec sharding })
            {
                sharding.DecodeRegion(stored, chunk, _spec, begin, end);
            }
            else
            {
                Metadata.Codecs.Decode(stored, chunk, _spec);
            }
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{JsonDocuments.Where(Store, key)} (chunk at [{string.Join(", ", origin)}]): {error.Message}", error);
        }
    }

    private long[] ValidShape(long[] origin)
    {
        var valid = new long[Rank];
        for (int axis = 0; axis < Rank; axis++)
        {
            valid[axis] = Math.Min(Metadata.ChunkShape[axis], Metadata.Shape[axis] - origin[axis]);
        }

        return valid;
    }

    private void CheckElementType<T>()
        where T : unmanaged
    {
        var requested = DTypes.Of<T>();
        if (requested != DType && !(requested.ItemSize() == 1 && DType.ItemSize() == 1 && (requested == DType.Bool || DType == DType.Bool)))
        {
            throw new ArgumentException($"The array at {JsonDocuments.Where(Store, Path)} holds {DType.NumpyName()} values; it cannot be read or written as {requested.NumpyName()}.", nameof(T));
        }
    }

    private void CheckRegion(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (region.Rank != Rank || !Region.FromShape(Shape).Contains(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"Region {region} is not inside the array of shape ({string.Join(", ", Metadata.Shape)}) at {JsonDocuments.Where(Store, Path)}.");
        }
    }

    private void CheckBuffer(Region region, ReadOnlySpan<int> shape, string name)
    {
        CheckRegion(region);
        if (!region.GetShapeAsInt32().AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"The buffer has shape ({string.Join(", ", shape.ToArray())}); region {region} has shape ({string.Join(", ", region.Shape.ToArray())}).", name);
        }
    }

    private static long[] Offset(ReadOnlySpan<long> point, ReadOnlySpan<long> origin)
    {
        var offset = new long[point.Length];
        for (int axis = 0; axis < point.Length; axis++)
        {
            offset[axis] = point[axis] - origin[axis];
        }

        return offset;
    }

    private static long[] ToLong(int[] values) => Array.ConvertAll(values, v => (long)v);
}
