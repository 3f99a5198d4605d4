using System.Buffers.Binary;
using BioImage.Kernels;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace BioImage.Sources.Formats;

/// <summary>
/// Adds or replaces one dataset of an HDF5 file while keeping everything else in it. PureHDF only writes whole files,
/// so the file is rewritten: every kept object of the old file (see <see cref="Hdf5Inventory"/> for what can be kept)
/// plus the new dataset go to a temporary file in the same folder, which then replaces the old one by a rename; on any
/// failure the old file is untouched and the temporary file removed. Datasets over a megabyte are copied block by block
/// after the metadata (each block a whole number of chunks, compressed and written before the next), so memory holds
/// one block, not the file. After PureHDF writes, the few header fields it cannot set are restored in place
/// (<see cref="Hdf5ObjectHeaders"/>): the fill value state, allocation and fill times, the filters' optional flags,
/// the padding and character set of strings, and the signed base of h5py's bool enum.
/// </summary>
internal static class Hdf5Rewrite
{
    /// <summary>Kept datasets larger than this (of several chunks, or contiguous) are copied after the file's metadata is written, block by block.</summary>
    internal static long DeferredBytes { get; set; } = 1L << 20;

    /// <summary>The size of a block of such a copy (whole chunks at least).</summary>
    internal static long BlockBytes { get; set; } = 64L << 20;

    private static readonly H5WriteOptions Options = new(PreferCompactDatasetLayout: false);

    /// <summary>What <see cref="Check"/> found: the old file's objects (null for a new file) and the dataset being replaced.</summary>
    internal sealed record Plan(Hdf5Inventory? Inventory, Hdf5DatasetNode? Replaced);

    /// <summary>Checks, reading only, that <paramref name="key"/> can be written into <paramref name="path"/>; throws <see cref="ArgumentException"/> if not.</summary>
    public static Plan Check(string path, string key, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] segments = Segments(key);
        string target = Target(path);
        if (Directory.Exists(target))
        {
            throw new ArgumentException($"{path} is a folder; an HDF5 output must be a file path (e.g. {System.IO.Path.Combine(path, "out.h5")}).", nameof(path));
        }

        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"{path} cannot be written: its folder {folder} does not exist; create it first.", nameof(path));
        }

        if (!File.Exists(target))
        {
            return new Plan(null, null);
        }

        var inventory = Hdf5Inventory.Take(target);
        var replaced = Locate(inventory, path, key, segments, overwrite);
        var problems = inventory.Problems(replaced);
        if (problems.Count > 0)
        {
            string listed = string.Join("; ", problems.Take(4)) + (problems.Count > 4 ? $"; and {problems.Count - 4} more" : string.Empty);
            throw new ArgumentException(
                $"{path} already exists and PureHDF cannot rewrite it with '{key}' without changing the rest of it: {listed}. Write to a new file instead, or add the dataset with h5py.",
                nameof(path));
        }

        return new Plan(inventory, replaced);
    }

    /// <summary>Writes <paramref name="array"/> as dataset <paramref name="key"/> into <paramref name="path"/>, keeping the rest of an existing file.</summary>
    public static void Write<T>(string path, string key, NdArray<T> array, IReadOnlyList<int> chunks, bool overwrite)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count != array.Rank)
        {
            throw new ArgumentException($"chunks has {chunks.Count} entries for a {array.Rank}-dimensional array; expected {array.Rank}.", nameof(chunks));
        }

        for (int axis = 0; axis < array.Rank; axis++)
        {
            if (chunks[axis] < 1 || chunks[axis] > array.Shape[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(chunks), chunks[axis], $"chunks[{axis}] is {chunks[axis]}; expected 1 to {array.Shape[axis]} (the array's extent).");
            }
        }

        var plan = Check(path, key, overwrite);
        Hdf5Deflate.Register();
        string target = Target(path);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(target))!;
        string temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string[] segments = Segments(key);
        try
        {
            var patches = new Dictionary<string, HeaderPatch>(StringComparer.Ordinal);
            var root = new H5File();
            var copies = new List<Action<H5NativeWriter>>();
            using (var source = plan.Inventory is null ? null : H5File.OpenRead(target))
            {
                if (plan.Inventory is not null)
                {
                    Build(root, plan.Inventory.Root, source!, plan.Replaced, patches, copies);
                }

                H5Group parent = root;
                foreach (string segment in segments[..^1])
                {
                    if (!parent.TryGetValue(segment, out object? existing))
                    {
                        existing = new H5Group();
                        parent[segment] = existing;
                    }

                    parent = (H5Group)existing;
                }

                var creation = new H5DatasetCreation(Filters: [new H5Filter(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = 1 })]);
                parent[segments[^1]] = new H5Dataset(array.Memory, chunks: [.. chunks.Select(c => (uint)c)], fileDims: [.. array.Shape.ToArray().Select(e => (ulong)e)], datasetCreation: creation);
                patches["/" + string.Join('/', segments)] = new HeaderPatch(FillFlags(allocation: 3, fillTime: 0, undefined: false), null, null, []);
                using var writer = root.BeginWrite(temporary, Options);
                foreach (var copy in copies)
                {
                    copy(writer);
                }
            }

            Patch(temporary, patches);
            if (!OperatingSystem.IsWindows() && File.Exists(target))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the temporary file is hidden and named after the process.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }

    /// <summary>The key's path segments; throws if the key is empty or has empty, "." or ".." segments.</summary>
    private static string[] Segments(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string[] segments = key.Trim('/').Split('/');
        return key.Trim('/').Length == 0 || segments.Any(segment => segment is "" or "." or "..")
            ? throw new ArgumentException($"'{key}' is not a dataset path; expected names separated by '/', e.g. raw or volumes/raw.", nameof(key))
            : segments;
    }

    /// <summary>The file a path names, following symbolic links so a link is not replaced by a file.</summary>
    private static string Target(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? path : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    /// <summary>The dataset at the key that will be replaced, or null when the key is free; throws if the key cannot be written.</summary>
    private static Hdf5DatasetNode? Locate(Hdf5Inventory inventory, string path, string key, string[] segments, bool overwrite)
    {
        Hdf5Node node = inventory.Root;
        for (int i = 0; i < segments.Length; i++)
        {
            if (node is not Hdf5GroupNode group)
            {
                break;
            }

            var found = group.Children.FirstOrDefault(child => child.Name == segments[i]).Node;
            if (found is null)
            {
                return null;
            }

            string at = "/" + string.Join('/', segments[..(i + 1)]);
            bool last = i == segments.Length - 1;
            switch (found)
            {
                case Hdf5DatasetNode dataset when last:
                    return overwrite
                        ? dataset
                        : throw new ArgumentException($"{path} already has a dataset '{key}'; pass --overwrite to replace it (the rest of the file is kept).", nameof(key));
                case Hdf5DatasetNode:
                    throw new ArgumentException($"'{key}' cannot be written into {path}: {at} is a dataset, not a group.", nameof(key));
                case Hdf5GroupNode when last:
                    throw new ArgumentException($"{path} already has a group '{key}'; a dataset cannot replace a group. Choose another key.", nameof(key));
                case Hdf5OtherNode:
                    throw new ArgumentException($"'{key}' cannot be written into {path}: {at} is a link or named datatype, not a group or dataset.", nameof(key));
            }

            node = found;
        }

        return null;
    }

    /// <summary>Adds the kept members and attributes of <paramref name="node"/> to <paramref name="group"/>.</summary>
    private static void Build(H5Group group, Hdf5GroupNode node, NativeFile source, Hdf5DatasetNode? replaced, Dictionary<string, HeaderPatch> patches, List<Action<H5NativeWriter>> copies)
    {
        AddAttributes(group, node, patches, fillFlags: null, filterFlags: null, datasetType: null);
        foreach (var (name, child) in node.Children)
        {
            switch (child)
            {
                case Hdf5GroupNode inner:
                    var created = new H5Group();
                    Build(created, inner, source, replaced, patches, copies);
                    group[name] = created;
                    break;
                case Hdf5DatasetNode dataset when !ReferenceEquals(dataset, replaced):
                    group[name] = Dataset(dataset, (NativeDataset)source.Get(dataset.Path), patches, copies);
                    break;
            }
        }
    }

    private static void AddAttributes(H5Object item, Hdf5Node node, Dictionary<string, HeaderPatch> patches, int? fillFlags, int[]? filterFlags, Hdf5Type? datasetType)
    {
        var types = new Dictionary<string, Hdf5Type>(StringComparer.Ordinal);
        foreach (var attribute in node.Attributes)
        {
            item.Attributes[attribute.Name] = attribute.Dimensions is null ? attribute.Value : new H5Attribute(attribute.Value, attribute.Dimensions);
            if (Restored(attribute.Type))
            {
                types[attribute.Name] = attribute.Type;
            }
        }

        if (types.Count > 0 || fillFlags is not null || filterFlags is not null || datasetType is not null)
        {
            patches[node.Path] = new HeaderPatch(fillFlags, filterFlags, datasetType, types);
        }
    }

    /// <summary>Whether PureHDF writes <paramref name="type"/> differently from h5py, so the written datatype is restored.</summary>
    private static bool Restored(Hdf5Type type) => type.Element is Hdf5Element.String or Hdf5Element.Bool;

    /// <summary>The dataset to write for a kept one: its values now, or (when large) an empty dataset filled block by block by a copy.</summary>
    private static H5Dataset Dataset(Hdf5DatasetNode node, NativeDataset source, Dictionary<string, HeaderPatch> patches, List<Action<H5NativeWriter>> copies)
    {
        var filters = node.Filters.Select(filter => filter.Id switch
        {
            DeflateFilter.Id => new H5Filter(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = (int)filter.Parameters[0] }),
            _ => new H5Filter((ushort)filter.Id),
        }).ToList();
        var creation = new H5DatasetCreation(Filters: filters);
        var type = node.Type;
        H5Dataset dataset;
        if (type.Element == Hdf5Element.String)
        {
            dataset = node.Dimensions.Length == 0
                ? new H5Dataset(source.Read<string>())
                : new H5Dataset(source.Read<string[]>(), chunks: node.Chunks, fileDims: node.Dimensions, datasetCreation: creation);
        }
        else
        {
            dataset = type.Dispatch(new DatasetBuilder(node, source, creation, copies));
        }

        // PureHDF indexes the chunks of an unfiltered dataset of several chunks implicitly, which needs early allocation.
        bool implicitIndex = node.Chunks is not null && node.Filters.Count == 0 && node.Dimensions.Zip(node.Chunks).Any(pair => pair.First > pair.Second);
        AddAttributes(dataset, node, patches, FillFlags(implicitIndex ? 1 : node.Allocation, node.FillTime, node.FillUndefined), node.Filters.Count > 0 ? [.. node.Filters.Select(f => f.Flags)] : null, Restored(type) ? type : null);
        return dataset;
    }

    /// <summary>The flags byte of a version 3 fill value message with no value: the allocation time, the fill time, undefined or default.</summary>
    private static int FillFlags(int allocation, int fillTime, bool undefined) => (allocation & 0x03) | ((fillTime & 0x03) << 2) | (undefined ? 0x10 : 0);

    private sealed class DatasetBuilder(Hdf5DatasetNode node, NativeDataset source, H5DatasetCreation creation, List<Action<H5NativeWriter>> copies) : IHdf5ElementFunc<H5Dataset>
    {
        public H5Dataset Invoke<T>()
            where T : unmanaged
        {
            if (node.Dimensions.Length == 0)
            {
                return new H5Dataset(source.Read<T>());
            }

            ulong count = node.Dimensions.Aggregate(1UL, (product, extent) => product * extent);
            ulong chunkCount = node.Chunks is null ? 0 : node.Dimensions.Zip(node.Chunks, (extent, chunk) => (extent + chunk - 1) / chunk).Aggregate(1UL, (product, n) => product * n);
            if (count * (ulong)node.Type.Size > (ulong)DeferredBytes && chunkCount != 1)
            {
                var cache = new FlushingChunkCache();
                var empty = new H5Dataset<T[]>(node.Dimensions, node.Chunks, creation with { ChunkCache = cache });
                copies.Add(writer => Copy(writer, empty, source, node, cache));
                return empty;
            }

            T[] values = count == 0 ? [] : source.Read<T[]>(new H5DatasetAccess(ChunkCache: CacheFor(node, node.Dimensions)));
            return new H5Dataset(values, chunks: node.Chunks, fileDims: node.Dimensions, datasetCreation: creation);
        }
    }

    /// <summary>Copies a large dataset block by block; each block holds whole chunks, which are compressed and written before the next block.</summary>
    private static void Copy<T>(H5NativeWriter writer, H5Dataset<T[]> target, NativeDataset source, Hdf5DatasetNode node, FlushingChunkCache cache)
        where T : unmanaged
    {
        ulong[] dimensions = node.Dimensions;
        int rank = dimensions.Length;
        ulong[] unit = node.Chunks?.Select(c => (ulong)c).ToArray() ?? [.. Enumerable.Repeat(1UL, rank)];
        ulong[] block = [.. unit];
        ulong budget = Math.Max(1UL, (ulong)BlockBytes / (ulong)node.Type.Size);
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            ulong others = block.Aggregate(1UL, (product, extent) => product * extent) / block[axis];
            ulong units = Math.Max(1UL, budget / (others * unit[axis]));
            block[axis] = Math.Min(dimensions[axis], units * unit[axis]);
        }

        ulong[] counts = [.. dimensions.Zip(block, (extent, size) => (extent + size - 1) / size)];
        ulong[] index = new ulong[rank];
        T[] buffer = [];
        while (true)
        {
            ulong[] starts = [.. index.Zip(block, (i, size) => i * size)];
            ulong[] extents = [.. starts.Zip(block, (start, size) => size).Select((size, axis) => Math.Min(size, dimensions[axis] - starts[axis]))];
            int length = checked((int)extents.Aggregate(1UL, (product, extent) => product * extent));
            if (buffer.Length != length)
            {
                buffer = new T[length];
            }

            var selection = new HyperslabSelection(rank, starts, extents);
            source.Read(new H5DatasetAccess(ChunkCache: CacheFor(node, extents)), buffer.AsSpan(), selection, memoryDims: [(ulong)length]);
            writer.Write(target, buffer, fileSelection: selection);
            cache.FlushPending();
            int next = rank - 1;
            while (next >= 0 && ++index[next] == counts[next])
            {
                index[next--] = 0;
            }

            if (next < 0)
            {
                return;
            }
        }
    }

    /// <summary>A reading cache that holds every chunk a read of <paramref name="extents"/> (chunk-aligned) touches, so each is decoded once.</summary>
    private static SimpleReadingChunkCache CacheFor(Hdf5DatasetNode node, ulong[] extents)
    {
        if (node.Chunks is null)
        {
            return new SimpleReadingChunkCache(1, 1);
        }

        ulong touched = extents.Zip(node.Chunks, (extent, chunk) => (extent + chunk - 1) / chunk).Aggregate(1UL, (product, n) => product * n);
        ulong chunkBytes = node.Chunks.Aggregate((ulong)node.Type.Size, (product, chunk) => product * chunk);
        return new SimpleReadingChunkCache(checked((int)touched + 1), (touched + 1) * chunkBytes);
    }

    /// <summary>Restores, in the written file's object headers, what PureHDF cannot set (see <see cref="HeaderPatch"/>).</summary>
    private static void Patch(string path, Dictionary<string, HeaderPatch> patches)
    {
        var addresses = new List<(string Path, long Address, HeaderPatch Patch)>();
        using (var written = H5File.OpenRead(path))
        {
            foreach (var (objectPath, patch) in patches)
            {
                IH5Object item = objectPath == "/" ? written : written.Get(objectPath);
                addresses.Add((objectPath, checked((long)Hdf5Internals.Address(item)), patch));
            }
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        foreach (var (objectPath, address, patch) in addresses)
        {
            var pending = new HashSet<string>(patch.AttributeTypes.Keys, StringComparer.Ordinal);
            bool fill = patch.FillFlags is null, filters = patch.FilterFlags is null, datatype = patch.DatasetType is null;
            Hdf5ObjectHeaders.Edit(stream, address, (message, data) =>
            {
                switch (message.Type)
                {
                    case Hdf5ObjectHeaders.FillValue when patch.FillFlags is { } flags:
                        fill = data.Length == 2 && data[0] == 3 ? true : throw Unexpected(objectPath, "fill value message");
                        bool changed = data[1] != flags;
                        data[1] = (byte)flags;
                        return changed;
                    case Hdf5ObjectHeaders.FilterPipeline when patch.FilterFlags is { } flags:
                        filters = true;
                        return SetFilterFlags(data, flags, objectPath);
                    case Hdf5ObjectHeaders.Datatype when patch.DatasetType is { } type:
                        datatype = true;
                        return Hdf5ObjectHeaders.Restore(data, type);
                    case Hdf5ObjectHeaders.Attribute:
                        var (name, range) = Hdf5ObjectHeaders.AttributeParts(data);
                        return patch.AttributeTypes.TryGetValue(name, out var attributeType) && pending.Remove(name)
                            && Hdf5ObjectHeaders.Restore(data.AsSpan(range), attributeType);
                    default:
                        return false;
                }
            });
            if (!fill || !filters || !datatype || pending.Count > 0)
            {
                throw Unexpected(objectPath, "object header (a message to restore is missing)");
            }
        }
    }

    private static bool SetFilterFlags(byte[] data, int[] flags, string objectPath)
    {
        if (data.Length < 2 || data[0] != 2 || data[1] != flags.Length)
        {
            throw Unexpected(objectPath, "filter pipeline message");
        }

        bool changed = false;
        int position = 2;
        for (int i = 0; i < flags.Length; i++)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(position));
            int nameLength = id >= 256 ? BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(position + 2)) : 0;
            int at = position + (id >= 256 ? 4 : 2);
            changed |= BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at)) != flags[i];
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), (ushort)flags[i]);
            int values = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 2));
            position = at + 4 + nameLength + (4 * values);
        }

        return changed;
    }

    private static InvalidDataException Unexpected(string objectPath, string what) =>
        new($"PureHDF wrote an unexpected {what} for {objectPath}; the old file is left as it was.");

    /// <summary>
    /// Header fields to restore in one written object: the fill value message's flags byte, each filter's flags, the
    /// datatype of a string or bool dataset, and those of string and bool attributes by name.
    /// </summary>
    private sealed record HeaderPatch(int? FillFlags, int[]? FilterFlags, Hdf5Type? DatasetType, Dictionary<string, Hdf5Type> AttributeTypes);

    /// <summary>A writing chunk cache that writes (compresses) its chunks when told, so a block copy holds one block of chunks.</summary>
    private sealed class FlushingChunkCache : IWritingChunkCache
    {
        private readonly Dictionary<ulong, (Memory<byte> Chunk, Action<ulong, Memory<byte>> Writer)> _chunks = [];

        public Memory<byte> GetChunk(ulong chunkIndex, Func<Memory<byte>> chunkAllocator, Action<ulong, Memory<byte>> chunkWriter)
        {
            if (!_chunks.TryGetValue(chunkIndex, out var entry))
            {
                entry = (chunkAllocator(), chunkWriter);
                _chunks[chunkIndex] = entry;
            }

            return entry.Chunk;
        }

        public void Flush(Action<ulong, Memory<byte>> chunkWriter)
        {
            foreach (var (index, entry) in _chunks)
            {
                chunkWriter(index, entry.Chunk);
            }

            _chunks.Clear();
        }

        /// <summary>Writes the chunks held so far (each complete: blocks are chunk-aligned) and forgets them.</summary>
        public void FlushPending()
        {
            foreach (var (index, entry) in _chunks)
            {
                entry.Writer(index, entry.Chunk);
            }

            _chunks.Clear();
        }
    }
}
