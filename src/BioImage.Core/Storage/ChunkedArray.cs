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
    /// <summary>
    /// The objects (store location + key) being written in this process: a writer waits until none of its run's objects is
    /// in flight, so writes of the same chunk (read-modify-write of partial chunks) take turns and others never wait.
    /// </summary>
    private static readonly HashSet<string> ChunksInFlight = new(StringComparer.Ordinal);

    /// <summary>Most bytes of chunk buffers that one task fills at once (a run of neighbouring chunks; they stay in the L3 cache).</summary>
    private const int RunBytes = 4 << 20;

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
    /// <param name="path">The container folder.</param>
    /// <param name="key">The array's key inside it (null: the root).</param>
    /// <param name="options">Shape, dtype, chunks, codecs, ….</param>
    /// <param name="maxDegreeOfParallelism">Most old objects deleted at once, and the new array's <see cref="MaxDegreeOfParallelism"/> (null: all cores).</param>
    public static ChunkedArray Create(string path, string? key, ArrayOptions options, int? maxDegreeOfParallelism = null) => Create(new FileSystemStore(path), key ?? string.Empty, options, maxDegreeOfParallelism);

    /// <summary>Creates (or replaces: its old chunks are deleted) an array at <paramref name="key"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The array's key inside it.</param>
    /// <param name="options">Shape, dtype, chunks, codecs, ….</param>
    /// <param name="maxDegreeOfParallelism">Most old objects deleted at once, and the new array's <see cref="MaxDegreeOfParallelism"/> (null: all cores).</param>
    /// <exception cref="ArgumentException">The options are inconsistent (ranks, non-positive chunks, …).</exception>
    public static ChunkedArray Create(IStore store, string key, ArrayOptions options, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        int workers = Math.Max(1, maxDegreeOfParallelism ?? Environment.ProcessorCount);
        string path = StoreKey.Validate(key?.Trim('/') ?? string.Empty, allowEmpty: true);
        var metadata = Check(options, JsonDocuments.Where(store, path));

        if ((ZarrV3Format.Read(store, path) ?? ZarrV2Format.Read(store, path) ?? N5Format.Read(store, path)) is not null)
        {
            // Deleting files scales with threads (about 30 µs each on ext4); an array of many chunks has many to delete.
            try
            {
                Parallel.ForEach(store.List(path).ToList(), new ParallelOptions { MaxDegreeOfParallelism = workers }, store.Delete);
            }
            catch (AggregateException error) when (error.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
            }

            // The old chunk folders go too: a chunk of the new array may be a file where an old one was a folder.
            (store as FileSystemStore)?.DeleteEmptyFolders(path);
        }

        var array = new ChunkedArray(store, path, metadata) { MaxDegreeOfParallelism = workers };
        array.SaveMetadata();
        return array;
    }

    /// <summary>The metadata a new array with <paramref name="options"/> gets, validated; touches no storage.</summary>
    /// <param name="options">Shape, dtype, chunks, codecs, ….</param>
    /// <param name="where">Where the array would be, for messages.</param>
    /// <exception cref="ArgumentException">The options are inconsistent (ranks, non-positive chunks, …).</exception>
    public static ArrayMetadata Check(ArrayOptions options, string where)
    {
        ArgumentNullException.ThrowIfNull(options);
        var metadata = options.Format switch
        {
            StorageFormat.ZarrV2 => ZarrV2Format.Create(options),
            StorageFormat.N5 => N5Format.Create(options),
            _ => ZarrV3Format.Create(options),
        };
        try
        {
            metadata.Validate(where);
        }
        catch (InvalidDataException error)
        {
            throw new ArgumentException(error.Message, nameof(options), error);
        }

        return metadata;
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
        ForEachRun(region, (run, buffer) =>
        {
            var target = MemoryMarshal.AsBytes(destination.Span);
            var loaded = new bool[run.Length];
            for (int i = 0; i < run.Length; i++)
            {
                loaded[i] = ReadChunk(run[i], ChunkBuffer(buffer, i));
                if (!loaded[i])
                {
                    BoxCopy.Fill(target, region.Shape, Offset(run[i].Overlap.Begin, region.Begin), run[i].Overlap.Shape, Metadata.FillValue);
                }
            }

            CopyRun(run, loaded, region, buffer, target, toRegion: true);
        });
    }

    /// <summary>Loads the stored object of <paramref name="part"/> into <paramref name="chunk"/>; false when there is none (fill value).</summary>
    private bool ReadChunk(ChunkPart part, Span<byte> chunk)
    {
        // Uncompressed little-endian chunks need no decoding: the file is read straight into the chunk buffer. An object
        // of the wrong length goes through the codec below, which names it.
        long length = _isPlain ? Store.GetInto(part.Key, chunk) : 0;
        if (length == chunk.Length || length < 0)
        {
            return length >= 0;
        }

        using var stored = Store.GetPooled(part.Key);
        if (stored is null)
        {
            return false;
        }

        // A shard that the region only partly covers: decode just the inner chunks it needs.
        bool partial = !part.Overlap.Shape.SequenceEqual(ValidShape(part.Origin));
        Decode(part.Key, stored.Span, chunk, part.Origin, partial ? Offset(part.Overlap.Begin, part.Origin) : null, partial ? Offset(part.Overlap.End, part.Origin) : null);
        return true;
    }

    private void WriteCore<T>(Region region, ReadOnlyMemory<T> source)
        where T : unmanaged
    {
        CheckRegion(region);
        var chunkShape = ToLong(Metadata.ChunkShape);
        ForEachRun(region, (run, buffer) =>
        {
            // Partly covered chunks are read-modify-writes: claim the run's chunks all at once.
            var claimed = run.Select(part => Store.Location + "/" + part.Key).ToArray();
            lock (ChunksInFlight)
            {
                while (claimed.Any(ChunksInFlight.Contains))
                {
                    Monitor.Wait(ChunksInFlight);
                }

                ChunksInFlight.UnionWith(claimed);
            }

            try
            {
                for (int i = 0; i < run.Length; i++)
                {
                    PrepareChunk(run[i], ChunkBuffer(buffer, i), chunkShape);
                }

                CopyRun(run, null, region, MemoryMarshal.AsBytes(source.Span), buffer, toRegion: false);
                for (int i = 0; i < run.Length; i++)
                {
                    StoreChunk(run[i], ChunkBuffer(buffer, i));
                }
            }
            finally
            {
                lock (ChunksInFlight)
                {
                    ChunksInFlight.ExceptWith(claimed);
                    Monitor.PulseAll(ChunksInFlight);
                }
            }
        });
    }

    /// <summary>Before the region's values go in: the stored chunk when the region covers only part of it, else fill value where the region leaves a gap.</summary>
    private void PrepareChunk(ChunkPart part, Span<byte> chunk, long[] chunkShape)
    {
        var valid = ValidShape(part.Origin);
        bool covered = part.Overlap.Shape.SequenceEqual(valid);
        using var stored = covered ? null : Store.GetPooled(part.Key);
        if (stored is not null)
        {
            Decode(part.Key, stored.Span, chunk, part.Origin);
        }
        else if (!covered || !valid.SequenceEqual(chunkShape))
        {
            BoxCopy.FillElements(chunk, Metadata.FillValue);
        }
    }

    private void StoreChunk(ChunkPart part, Span<byte> chunk)
    {
        if (!WriteEmptyChunks && BoxCopy.IsAll(chunk, Metadata.FillValue))
        {
            Store.Delete(part.Key);
            return;
        }

        if (_isPlain)
        {
            Store.Set(part.Key, chunk);
            return;
        }

        var spec = Metadata.Format == StorageFormat.N5 ? _spec with { ValidShape = Array.ConvertAll(ValidShape(part.Origin), e => (int)e) } : _spec;
        var encoded = Metadata.Codecs.Encode(chunk, spec);
        try
        {
            Store.Set(part.Key, encoded.AsSpan());
        }
        finally
        {
            CodecChain.ReturnBuffer(encoded);
        }
    }

    /// <summary>
    /// Copies from the chunk buffers of a run (side by side in one buffer) to the region's buffer when <paramref name="toRegion"/>,
    /// else the other way, row by row of the region: each region row is split into one piece per chunk. Chunks whose
    /// <paramref name="loaded"/> entry is false are skipped.
    /// </summary>
    private void CopyRun(ChunkPart[] run, bool[]? loaded, Region region, ReadOnlySpan<byte> source, Span<byte> destination, bool toRegion)
    {
        int rank = Rank;
        int leading = Math.Max(rank - 1, 0);
        int itemSize = _spec.ItemSize;
        var first = run[0];
        var regionStrides = new long[leading];
        var chunkStrides = new long[leading];
        long regionOffset = 0;
        long chunkOffset = 0;
        long regionStride = rank == 0 ? itemSize : region.Shape[rank - 1] * itemSize;
        long chunkStride = rank == 0 ? itemSize : (long)Metadata.ChunkShape[rank - 1] * itemSize;
        for (int axis = leading - 1; axis >= 0; axis--)
        {
            regionStrides[axis] = regionStride;
            chunkStrides[axis] = chunkStride;
            regionOffset += (first.Overlap.Begin[axis] - region.Begin[axis]) * regionStride;
            chunkOffset += (first.Overlap.Begin[axis] - first.Origin[axis]) * chunkStride;
            regionStride *= region.Shape[axis];
            chunkStride *= Metadata.ChunkShape[axis];
        }

        var pieces = new List<RowPiece>(run.Length);
        for (int i = 0; i < run.Length; i++)
        {
            if (loaded is not null && !loaded[i])
            {
                continue;
            }

            var part = run[i];
            long inRegion = rank == 0 ? 0 : (part.Overlap.Begin[rank - 1] - region.Begin[rank - 1]) * itemSize;
            long inChunk = ((long)i * _spec.ByteLength) + (rank == 0 ? 0 : (part.Overlap.Begin[rank - 1] - part.Origin[rank - 1]) * itemSize);
            int bytes = checked((int)((rank == 0 ? 1 : part.Overlap.Shape[rank - 1]) * itemSize));
            pieces.Add(toRegion ? new RowPiece(inChunk, inRegion, bytes) : new RowPiece(inRegion, inChunk, bytes));
        }

        var rows = first.Overlap.Shape[..leading];
        if (toRegion)
        {
            BoxCopy.CopyRows(source, chunkStrides, chunkOffset, destination, regionStrides, regionOffset, rows, CollectionsMarshal.AsSpan(pieces));
        }
        else
        {
            BoxCopy.CopyRows(source, regionStrides, regionOffset, destination, chunkStrides, chunkOffset, rows, CollectionsMarshal.AsSpan(pieces));
        }
    }

    private Span<byte> ChunkBuffer(Span<byte> buffer, int index) => buffer.Slice(index * _spec.ByteLength, _spec.ByteLength);

    /// <summary>A stored object that a region touches: its grid position, its first element, the part of the region inside it, its key.</summary>
    private sealed record ChunkPart(long[] Position, long[] Origin, Region Overlap, string Key);

    private delegate void RunAction(ChunkPart[] run, Span<byte> buffer);

    /// <summary>
    /// Runs <paramref name="action"/> in parallel for every run of stored objects that <paramref name="region"/> touches:
    /// neighbours along the last axis (up to <see cref="RunBytes"/> of them, fewer when that leaves a worker idle), given
    /// with a pooled buffer that holds one chunk buffer per object, side by side.
    /// </summary>
    private void ForEachRun(Region region, RunAction action)
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
        int workers = total == 1 ? 1 : Math.Max(1, MaxDegreeOfParallelism);
        long along = Rank == 0 ? 1 : counts[Rank - 1];
        int runLength = (int)Math.Max(1, Math.Min(Math.Min(along, RunBytes / Math.Max(chunkBytes, 1)), total / (2L * workers)));
        long runsPerLine = (along + runLength - 1) / runLength;
        long runs = total / along * runsPerLine;

        ChunkPart Part(long index)
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

            return new ChunkPart(position, origin, new Region(begin, end), ChunkKey(position));
        }

        void Run(long index, byte[] buffer)
        {
            long start = (index / runsPerLine * along) + (index % runsPerLine * runLength);
            var run = new ChunkPart[Math.Min(runLength, along - (index % runsPerLine * runLength))];
            for (int i = 0; i < run.Length; i++)
            {
                run[i] = Part(start + i);
            }

            action(run, buffer.AsSpan(0, run.Length * chunkBytes));
        }

        // The buffers are rented and returned on this thread: worker threads come and go, and a buffer left in the pool's
        // slot of a thread that the next call does not use would make that call allocate (and first-touch) a new one.
        var buffers = new Stack<byte[]>();
        byte[] Take()
        {
            lock (buffers)
            {
                return buffers.Count > 0 ? buffers.Pop() : ArrayPool<byte>.Shared.Rent(Math.Max(runLength * chunkBytes, 1));
            }
        }

        void Give(byte[] buffer)
        {
            lock (buffers)
            {
                buffers.Push(buffer);
            }
        }

        int degree = (int)Math.Min(runs, workers);
        for (int i = 0; i < degree; i++)
        {
            Give(Take());
        }

        try
        {
            Parallel.For(0L, runs, new ParallelOptions { MaxDegreeOfParallelism = degree }, Take, (index, _, buffer) =>
            {
                Run(index, buffer);
                return buffer;
            }, Give);
        }
        catch (AggregateException error) when (error.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
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
