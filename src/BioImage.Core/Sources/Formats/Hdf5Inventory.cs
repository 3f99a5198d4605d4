using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace BioImage.Sources.Formats;

/// <summary>
/// Everything in an existing HDF5 file, each object with the reasons, if any, why PureHDF cannot write it back exactly.
/// Kept: groups linked once by hard links, their attributes, and datasets of little-endian integers (8–64 bits), IEEE
/// floats (16, 32, 64 bits), variable-length ASCII/UTF-8 strings or numpy bools (h5py's FALSE/TRUE enum), scalar or
/// n-dimensional, contiguous or chunked with any chunk shape, with the deflate (any level), shuffle and fletcher32
/// filters and the library's default (or an undefined) fill value; attributes of the same types, scalar or
/// n-dimensional. Everything else is a reason to refuse: other types (compound, other enums, fixed-length strings,
/// references, opaque, arrays, variable-length sequences, big-endian or odd-precision numbers), other filters (lzf,
/// szip, blosc, n-bit, scale-offset, …), compact, virtual or external storage, resizable dataspaces, null or zero-size
/// attributes, attributes over 64 KiB, user-set fill values, soft, external and dangling links, objects linked twice,
/// named datatypes, shared messages, comments, creation-order tracking and user blocks. What PureHDF writes
/// differently anyway (found by experiment against h5py, see the tests): the superblock and object header versions
/// (HDF5 1.10+ reads the file), the chunk index type, the allocation time of unfiltered datasets of several chunks
/// (early, which PureHDF's implicit chunk index requires), deflate's compressed bytes (not its values), and object
/// modification times, which are not carried over.
/// </summary>
internal sealed class Hdf5Inventory
{
    private const int MaximumAttributeBytes = 65535 - 512;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    private Hdf5Inventory(string path, Hdf5GroupNode root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The file inspected.</summary>
    public string Path { get; }

    /// <summary>The root group and, below it, every object of the file.</summary>
    public Hdf5GroupNode Root { get; }

    /// <summary>Inspects <paramref name="path"/> (an existing file) with reads only; unreadable or non-HDF5 files throw <see cref="ArgumentException"/>.</summary>
    public static Hdf5Inventory Take(string path)
    {
        string? layoutProblem = CheckSuperblock(path);
        var root = new Hdf5GroupNode("/");
        if (layoutProblem is not null)
        {
            root.Problems.Add(layoutProblem);
            return new Hdf5Inventory(path, root);
        }

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new ArgumentException($"{path} exists but PureHDF cannot open it as HDF5 ({error.Message}); write to a new file instead.", nameof(path), error);
        }

        using (file)
        using (var raw = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var walk = new Walk(file, raw);
            try
            {
                walk.Seen[Hdf5Internals.Address(file)] = "/";
                Walk.Object(file, root, isGroup: true);
                walk.Group(file, root);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                root.Problems.Add($"PureHDF cannot read the file through ({error.Message})");
            }
        }

        return new Hdf5Inventory(path, root);
    }

    /// <summary>The reasons the file cannot be rewritten exactly, leaving out the object at <paramref name="replaced"/> (about to be replaced).</summary>
    public IReadOnlyList<string> Problems(Hdf5Node? replaced)
    {
        var problems = new List<string>();
        void Collect(Hdf5Node node)
        {
            if (ReferenceEquals(node, replaced))
            {
                return;
            }

            problems.AddRange(node.Problems);
            if (node is Hdf5GroupNode group)
            {
                foreach (var (_, child) in group.Children)
                {
                    Collect(child);
                }
            }
        }

        Collect(Root);
        return problems;
    }

    /// <summary>The problem with the superblock (a user block, unusual address sizes, a multi-file driver), or null; throws if the file is not HDF5.</summary>
    private static string? CheckSuperblock(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> head = stackalloc byte[64];
        for (long offset = 0; offset == 0 || (offset <= stream.Length - 8 && offset <= 1L << 40); offset = offset == 0 ? 512 : offset * 2)
        {
            head.Clear();
            stream.Position = offset;
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (read < 8 || !head[..8].SequenceEqual(Signature))
            {
                continue;
            }

            if (offset != 0)
            {
                return $"it starts with a user block of {offset} bytes, which PureHDF cannot write";
            }

            int version = head[8];
            (int offsets, int lengths) = version <= 1 ? (head[13], head[14]) : (head[9], head[10]);
            if (offsets != 8 || lengths != 8)
            {
                return $"it uses {offsets}-byte addresses and {lengths}-byte lengths (PureHDF writes 8-byte ones)";
            }

            if (version <= 1)
            {
                int addresses = version == 0 ? 24 : 28;
                ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(head[addresses..]);
                ulong driver = BinaryPrimitives.ReadUInt64LittleEndian(head[(addresses + 24)..]);
                if (baseAddress != 0 || driver != ulong.MaxValue)
                {
                    return "it was written with a multi-file driver or a base address, which PureHDF cannot write";
                }
            }

            return null;
        }

        throw new ArgumentException($"{path} exists and is not an HDF5 file (no HDF5 signature); remove it or choose another output path.", nameof(path));
    }

    /// <summary>The walk over the file: every object, its messages, attributes and (datasets) layout, filters and fill value.</summary>
    private sealed class Walk(NativeFile file, Stream raw)
    {
        private readonly object? _file = Hdf5Internals.FileOf(file);

        public Dictionary<ulong, string> Seen { get; } = [];

        public void Group(IH5Group group, Hdf5GroupNode node)
        {
            List<IH5Object> children;
            try
            {
                children = [.. group.Children()];
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                node.Problems.Add($"{node.Path}: PureHDF cannot list its members ({error.Message})");
                return;
            }

            foreach (var child in children)
            {
                string path = node.Path == "/" ? "/" + child.Name : $"{node.Path}/{child.Name}";
                node.Children.Add((child.Name, Child(child, path)));
            }
        }

        private Hdf5Node Child(IH5Object child, string path)
        {
            switch (child)
            {
                case IH5UnresolvedLink link:
                    return Other(path, $"{path}: a soft or external link whose target is missing ({link.Reason?.Message ?? "unresolved"})");
                case IH5CommitedDatatype:
                    return Other(path, $"{path}: a named (committed) datatype");
                case IH5Group or IH5Dataset:
                    break;
                default:
                    return Other(path, $"{path}: an object of kind {child.GetType().Name}");
            }

            if (!ReferenceEquals(Hdf5Internals.FileOf(child), _file))
            {
                // PureHDF names an object reached through an external link after its target, not after the link.
                string parent = path[..Math.Max(1, path.LastIndexOf('/'))];
                return Other(path, $"{parent}: has an external link to an object '{child.Name}' in another file");
            }

            ulong address = Hdf5Internals.Address(child);
            if (Seen.TryGetValue(address, out string? first))
            {
                return Other(path, $"{path}: the same object as {first} (a soft link or a second hard link)");
            }

            Seen[address] = path;
            try
            {
                if (child is IH5Group group)
                {
                    var node = new Hdf5GroupNode(path);
                    Object(child, node, isGroup: true);
                    Group(group, node);
                    return node;
                }

                var dataset = new Hdf5DatasetNode(path);
                Object(child, dataset, isGroup: false);
                Dataset((NativeDataset)child, dataset);
                return dataset;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                return Other(path, $"{path}: PureHDF cannot read it ({error.Message})");
            }
        }

        private static Hdf5OtherNode Other(string path, string problem)
        {
            var node = new Hdf5OtherNode(path);
            node.Problems.Add(problem);
            return node;
        }

        /// <summary>Header messages and attributes, for groups and datasets alike.</summary>
        public static void Object(IH5Object item, Hdf5Node node, bool isGroup)
        {
            uint links = Hdf5Internals.Get<uint>(item, "ReferenceCount");
            if (links > 1)
            {
                node.Problems.Add($"{node.Path}: has {links} hard links");
            }

            foreach (var message in Hdf5Internals.Messages(item))
            {
                if ((message.Flags & 0x02) != 0)
                {
                    node.Problems.Add($"{node.Path}: shares a header message (a committed datatype or a shared-message table)");
                }

                string? problem = message.Type switch
                {
                    0x00 or 0x0C or 0x0E or 0x12 => null,
                    0x02 when isGroup => Hdf5Internals.Get<int>(message.Data, "Flags") != 0 ? "tracks the creation order of its links (h5py track_order=True)" : null,
                    0x06 or 0x0A or 0x11 when isGroup => null,
                    0x15 => Hdf5Internals.Get<int>(message.Data, "Flags") != 0 ? "tracks the creation order of its attributes (h5py track_order=True)" : null,
                    0x16 => null,
                    0x01 or 0x03 or 0x04 or 0x05 or 0x08 or 0x0B when !isGroup => null,
                    0x07 => "stores its data in external files",
                    0x0D => "has a comment",
                    _ => $"has an object header message of type {message.Type}",
                };
                if (problem is not null)
                {
                    node.Problems.Add($"{node.Path}: {problem}");
                }
            }

            foreach (var attribute in item.Attributes())
            {
                Attribute(attribute, node);
            }
        }

        private static void Attribute(IH5Attribute attribute, Hdf5Node node)
        {
            string where = $"{node.Path}: attribute '{attribute.Name}'";
            object message = Hdf5Internals.AttributeMessage(attribute);
            if (Hdf5Internals.Get<int>(message, "Flags") != 0)
            {
                node.Problems.Add($"{where} uses a shared datatype or dataspace");
                return;
            }

            var type = Hdf5Type.Of(Hdf5Internals.Property(message, "Datatype")!, out string? typeProblem);
            if (type is null)
            {
                node.Problems.Add($"{where} holds {typeProblem}");
                return;
            }

            var space = attribute.Space;
            if (space.Type == H5DataspaceType.Null)
            {
                node.Problems.Add($"{where} is empty (a null dataspace, h5py.Empty), which PureHDF cannot write");
                return;
            }

            ulong[]? dimensions = space.Type == H5DataspaceType.Scalar ? null : space.Dimensions;
            ulong count = dimensions?.Aggregate(1UL, (product, extent) => product * extent) ?? 1;
            if (count == 0)
            {
                node.Problems.Add($"{where} has zero elements, which PureHDF cannot write");
                return;
            }

            ulong bytes = (count * (ulong)type.Value.StoredSize) + (ulong)Encoding.UTF8.GetByteCount(attribute.Name);
            if (bytes > MaximumAttributeBytes)
            {
                node.Problems.Add($"{where} holds {bytes} bytes; PureHDF writes attributes of up to 64 KiB only");
                return;
            }

            object value = type.Value.ReadAttribute(attribute, dimensions is null);
            if (type.Value.Element == Hdf5Element.String && Hdf5Type.LossyString(value) is { } lossy)
            {
                node.Problems.Add($"{where} holds {lossy}");
                return;
            }

            node.Attributes.Add(new Hdf5Attribute(attribute.Name, type.Value, dimensions, value));
        }

        private void Dataset(NativeDataset dataset, Hdf5DatasetNode node)
        {
            var messages = Hdf5Internals.Messages(dataset);
            var type = Hdf5Type.Of(messages.First(message => message.Type == Hdf5ObjectHeaders.Datatype).Data, out string? typeProblem);
            if (type is null)
            {
                node.Problems.Add($"{node.Path}: holds {typeProblem}");
            }
            else
            {
                node.Type = type.Value;
            }

            var space = dataset.Space;
            if (space.Type == H5DataspaceType.Null)
            {
                node.Problems.Add($"{node.Path}: has a null dataspace (h5py.Empty), which PureHDF cannot write");
                return;
            }

            node.Dimensions = space.Type == H5DataspaceType.Scalar ? [] : space.Dimensions;
            if (!space.MaxDimensions.SequenceEqual(space.Dimensions))
            {
                string max = string.Join(", ", space.MaxDimensions.Select(extent => extent == ulong.MaxValue ? "None" : extent.ToString(CultureInfo.InvariantCulture)));
                node.Problems.Add($"{node.Path}: is resizable (maxshape ({max})), which PureHDF cannot write");
            }

            Layout(dataset, messages, node);
            foreach (var message in messages.Where(message => message.Type == Hdf5ObjectHeaders.FilterPipeline))
            {
                foreach (object description in Hdf5Internals.Get<IEnumerable>(message.Data, "FilterDescriptions"))
                {
                    var filter = new Hdf5Filter(
                        Hdf5Internals.Get<int>(description, "Identifier"),
                        Hdf5Internals.Get<int>(description, "Flags"),
                        Hdf5Internals.Get<uint[]>(description, "ClientData"),
                        Hdf5Internals.Get<string>(description, "Name"));
                    if (filter.Problem(type?.Size ?? 0) is { } problem)
                    {
                        node.Problems.Add($"{node.Path}: {problem}");
                    }

                    node.Filters.Add(filter);
                }
            }

            FillValue(Hdf5ObjectHeaders.Read(raw, checked((long)Hdf5Internals.Address(dataset))), node);
            if (type?.Element == Hdf5Element.String && node.Dimensions.All(extent => extent > 0))
            {
                object strings = node.Dimensions.Length == 0 ? dataset.Read<string>() : dataset.Read<string[]>();
                if (Hdf5Type.LossyString(strings) is { } lossy)
                {
                    node.Problems.Add($"{node.Path}: holds {lossy}");
                }
            }
        }

        private static void Layout(NativeDataset dataset, IReadOnlyList<HeaderMessageView> messages, Hdf5DatasetNode node)
        {
            switch (dataset.Layout.Class)
            {
                case H5DataLayoutClass.Contiguous:
                    return;
                case H5DataLayoutClass.Chunked:
                    node.Chunks = [.. dataset.Layout.Chunks.Take(node.Dimensions.Length).Select(extent => checked((uint)extent))];
                    if (node.Chunks.Zip(node.Dimensions).Any(pair => pair.First > pair.Second))
                    {
                        node.Problems.Add($"{node.Path}: has chunks ({string.Join(", ", node.Chunks)}) larger than its shape, which PureHDF cannot write");
                    }

                    object layout = messages.First(message => message.Type == 0x08).Data;
                    if (Hdf5Internals.Get<int>(layout, "Version") >= 4 && Hdf5Internals.Get<int>(Hdf5Internals.Property(layout, "Properties")!, "Flags") % 2 == 1)
                    {
                        node.Problems.Add($"{node.Path}: leaves its partial edge chunks unfiltered, which PureHDF cannot write");
                    }

                    return;
                case H5DataLayoutClass.Compact:
                    node.Problems.Add($"{node.Path}: is stored compact (inside its header), which PureHDF cannot choose per dataset");
                    return;
                default:
                    node.Problems.Add($"{node.Path}: is a {dataset.Layout.Class} dataset, which PureHDF cannot write");
                    return;
            }
        }

        /// <summary>
        /// The fill value from the raw message (PureHDF reads an undefined and a default fill value alike): the library
        /// default and an undefined one are kept with the fill time; a value set by the file's writer is refused.
        /// </summary>
        private void FillValue(RawHeader header, Hdf5DatasetNode node)
        {
            (node.Allocation, node.FillTime) = (node.Chunks is null ? 2 : 3, 2);
            var message = header.Messages.FirstOrDefault(item => item.Type == Hdf5ObjectHeaders.FillValue);
            if (message.Size > 0)
            {
                byte[] data = new byte[message.Size];
                raw.Position = message.Offset;
                raw.ReadExactly(data);
                (bool defined, bool undefined, int allocation, int time, long size) = data[0] switch
                {
                    1 or 2 => (data[3] != 0, data[3] == 0, (int)data[1], (int)data[2], data[3] != 0 && data.Length >= 8 ? BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4)) : 0L),
                    3 => ((data[1] & 0x20) != 0, (data[1] & 0x10) != 0, data[1] & 0x03, (data[1] >> 2) & 0x03, (data[1] & 0x20) != 0 ? BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(2)) : 0L),
                    _ => throw new InvalidDataException($"fill value message version {data[0]}"),
                };
                node.Allocation = allocation;
                node.FillTime = time;
                node.FillUndefined = undefined;
                if (defined && size > 0)
                {
                    node.Problems.Add($"{node.Path}: has a fill value set by its writer, which PureHDF cannot write");
                }

                return;
            }

            var old = header.Messages.FirstOrDefault(item => item.Type == Hdf5ObjectHeaders.OldFillValue);
            if (old.Size >= 4)
            {
                byte[] data = new byte[4];
                raw.Position = old.Offset;
                raw.ReadExactly(data);
                if (BinaryPrimitives.ReadUInt32LittleEndian(data) > 0)
                {
                    node.Problems.Add($"{node.Path}: has a fill value set by its writer, which PureHDF cannot write");
                }
            }
        }
    }
}

/// <summary>An object of the file: its path, attributes (those that can be kept) and the reasons it cannot be kept.</summary>
internal abstract class Hdf5Node(string path)
{
    /// <summary>The absolute path ("/" for the root group).</summary>
    public string Path { get; } = path;

    /// <summary>Why the object (or one of its attributes) cannot be written back exactly; empty when it can.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The attributes, with their values.</summary>
    public List<Hdf5Attribute> Attributes { get; } = [];
}

/// <summary>A group and its members in link order.</summary>
internal sealed class Hdf5GroupNode(string path) : Hdf5Node(path)
{
    /// <summary>The members by link name.</summary>
    public List<(string Name, Hdf5Node Node)> Children { get; } = [];
}

/// <summary>A dataset: what a rewrite reproduces (its values are read when writing).</summary>
internal sealed class Hdf5DatasetNode(string path) : Hdf5Node(path)
{
    /// <summary>The element type.</summary>
    public Hdf5Type Type { get; set; }

    /// <summary>The shape (empty for a scalar).</summary>
    public ulong[] Dimensions { get; set; } = [];

    /// <summary>The chunk shape, or null when contiguous.</summary>
    public uint[]? Chunks { get; set; }

    /// <summary>The filter pipeline in order.</summary>
    public List<Hdf5Filter> Filters { get; } = [];

    /// <summary>The space allocation time (H5D_alloc_time_t: 1 early, 2 late, 3 incremental).</summary>
    public int Allocation { get; set; }

    /// <summary>The fill time (H5D_fill_time_t: 0 on allocation, 1 never, 2 if set).</summary>
    public int FillTime { get; set; }

    /// <summary>Whether the fill value is undefined (rather than the library default).</summary>
    public bool FillUndefined { get; set; }
}

/// <summary>A link or object that cannot be kept (its problem says why).</summary>
internal sealed class Hdf5OtherNode(string path) : Hdf5Node(path);

/// <summary>An attribute: its type, dimensions (null for a scalar) and value (an element, an array of elements, a string or a string array).</summary>
internal sealed record Hdf5Attribute(string Name, Hdf5Type Type, ulong[]? Dimensions, object Value);

/// <summary>A filter of a dataset's pipeline: its id, flags (bit 0: optional), parameters (client data) and name.</summary>
internal readonly record struct Hdf5Filter(int Id, int Flags, uint[] Parameters, string Name)
{
    /// <summary>Why PureHDF cannot write this filter as it is for elements of <paramref name="elementSize"/> bytes, or null.</summary>
    public string? Problem(int elementSize) => Id switch
    {
        DeflateFilter.Id when Parameters.Length == 1 && Parameters[0] <= 9 => null,
        DeflateFilter.Id => $"uses deflate with parameters ({string.Join(", ", Parameters)}), which PureHDF cannot write",
        ShuffleFilter.Id when Parameters.Length == 1 && Parameters[0] == elementSize => null,
        ShuffleFilter.Id => $"uses shuffle with parameters ({string.Join(", ", Parameters)}), which PureHDF cannot write",
        Fletcher32Filter.Id when Parameters.Length == 0 => null,
        Fletcher32Filter.Id => $"uses fletcher32 with parameters ({string.Join(", ", Parameters)}), which PureHDF cannot write",
        _ => $"uses the {KnownName()} filter, which PureHDF cannot write",
    };

    private string KnownName() => Id switch
    {
        4 => "szip",
        5 => "n-bit",
        6 => "scale-offset",
        32000 => "lzf",
        32001 => "blosc",
        32004 => "lz4",
        32008 => "bitshuffle",
        32015 => "zstd",
        32026 => "blosc2",
        _ when Name.Length > 0 => $"'{Name}' (id {Id})",
        _ => $"id {Id}",
    };
}
