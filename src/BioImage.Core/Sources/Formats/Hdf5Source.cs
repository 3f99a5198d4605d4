using System.Buffers;
using System.Numerics;
using BioImage.Kernels;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace BioImage.Sources.Formats;

/// <summary>
/// A dataset of an HDF5 file (.h5, .hdf5, .hdf) as a read-only source, read with PureHDF by hyperslab. Each read
/// opens the file and sizes a chunk cache that holds every chunk the region touches, so each chunk is decompressed
/// once (PureHDF's default 1 MiB cache decompresses large chunks once per row: ~1000× slower). Big-endian
/// datasets, which PureHDF rejects, are refused on open with a message saying how to convert. Writing adds or
/// replaces one whole dataset, keeping the rest of an existing file (<see cref="Hdf5Rewrite"/>).
/// </summary>
/// <remarks>HDF5 is not a distributed output (the runner refuses it): its files do not take concurrent writers.</remarks>
public sealed class Hdf5Source : ISource
{
    private Hdf5Source(SourceSpec spec, IReadOnlyList<long> shape, DType dtype, IReadOnlyList<long>? chunks)
    {
        Spec = spec;
        Shape = shape;
        DType = dtype;
        Chunks = chunks;
    }

    /// <summary>Opens the dataset a spec names (path: the file, key: the dataset path inside it).</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Mode != "r")
        {
            throw new NotSupportedException($"{spec.Path}: HDF5 sources are read-only here (PureHDF cannot modify a file in place); write results to Zarr or N5, or write a whole dataset with Hdf5Source.Write.");
        }

        using var file = OpenFile(spec.Path);
        string key = spec.Key is { Length: > 0 } k ? k.Trim('/') : throw new ArgumentException($"{spec.Path} is an HDF5 file: pass the dataset as key; it holds {ListDatasets(file)}.", nameof(spec));
        var dataset = FindDataset(file, spec.Path, key);
        var shape = dataset.Space.Dimensions.Select(e => (long)e).ToArray();
        if (shape.Length is < 1 or > 3)
        {
            throw new InvalidDataException($"{spec.Path}/{key} has {shape.Length} axes; sources support 1 to 3.");
        }

        var dtype = DTypeOf(dataset, spec.Path, key);
        var chunks = dataset.Layout.Class == H5DataLayoutClass.Chunked ? dataset.Layout.Chunks.Take(shape.Length).Select(e => (long)e).ToArray() : null;
        var source = new Hdf5Source(spec with { Key = key }, shape, dtype, chunks);
        source.CheckByteOrder(dataset);
        return source;
    }

    /// <summary>
    /// Checks, reading only, that <see cref="Write{T}(string, string, NdArray{T}, IReadOnlyList{int}, bool)"/> can write dataset <paramref name="key"/> into <paramref name="path"/>:
    /// a new file in an existing folder, or an existing HDF5 file that PureHDF can rewrite without changing anything but
    /// that dataset. Throws <see cref="ArgumentException"/> (parameter "path" or "key") with the reason otherwise: the
    /// path is a folder or not an HDF5 file; the key is a group, passes through a dataset, or holds a dataset and
    /// <paramref name="overwrite"/> is false; or the file holds something a rewrite would lose or alter (listed in the
    /// message; see <see cref="Hdf5Inventory"/>). Call it before computing what to write.
    /// </summary>
    public static void CheckWrite(string path, string key, bool overwrite) => Hdf5Rewrite.Check(path, key, overwrite);

    /// <summary>
    /// Writes <paramref name="array"/> as dataset <paramref name="key"/> of the HDF5 file <paramref name="path"/>, chunked
    /// and deflate-compressed (level 1); local use only. A new file holds just that dataset. An existing file keeps every
    /// other object, attribute, value, type, chunk shape and filter (it is rewritten to a temporary file that replaces it
    /// by a rename, so a failure leaves it untouched); an existing dataset at <paramref name="key"/> is replaced (without
    /// its attributes) only when <paramref name="overwrite"/> is true. Refuses, before writing, what
    /// <see cref="CheckWrite"/> refuses.
    /// </summary>
    public static void Write<T>(string path, string key, NdArray<T> array, IReadOnlyList<int> chunks, bool overwrite = false)
        where T : unmanaged => Hdf5Rewrite.Write(path, key, array, chunks, overwrite);

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks { get; }

    /// <inheritdoc />
    public bool Writable => false;

    /// <inheritdoc />
    public SourceSpec Spec { get; }

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T>
    {
        SourceAccess.Check<T>(Spec.Path, Shape, DType, region, destination.Depth, destination.Height, destination.Width);
        if (region.IsEmpty)
        {
            return;
        }

        using var file = OpenFile(Spec.Path);
        var dataset = (NativeDataset)file.Dataset(Spec.Key!);
        int count = checked((int)region.VoxelCount);
        if (destination.TryGetSpan(out var contiguous))
        {
            ReadHyperslab(dataset, region, contiguous);
            return;
        }

        T[] buffer = ArrayPool<T>.Shared.Rent(count);
        try
        {
            ReadHyperslab<T>(dataset, region, buffer.AsSpan(0, count));
            new ReadOnlySpan3D<T>(buffer.AsSpan(0, count), destination.Depth, destination.Height, destination.Width).CopyTo(destination);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> => throw SourceAccess.ReadOnly(Spec.Path, "HDF5");

    private void ReadHyperslab<T>(NativeDataset dataset, Region region, Span<T> buffer)
        where T : unmanaged
    {
        var starts = region.Begin.ToArray().Select(e => (ulong)e).ToArray();
        var extents = region.Shape.ToArray().Select(e => (ulong)e).ToArray();
        var selection = new HyperslabSelection(region.Rank, starts, extents);
        dataset.Read(new H5DatasetAccess(ChunkCache: CacheFor(region)), buffer, selection, memoryDims: [(ulong)buffer.Length]);
    }

    /// <summary>A cache holding every chunk <paramref name="region"/> touches.</summary>
    private SimpleReadingChunkCache CacheFor(Region region)
    {
        if (Chunks is null)
        {
            return new SimpleReadingChunkCache(1, 1);
        }

        long touched = 1;
        long chunkBytes = DType.ItemSize();
        for (int axis = 0; axis < Chunks.Count; axis++)
        {
            touched *= ((region.End[axis] - 1) / Chunks[axis]) - (region.Begin[axis] / Chunks[axis]) + 1;
            chunkBytes *= Chunks[axis];
        }

        return new SimpleReadingChunkCache(checked((int)touched + 1), (ulong)((touched + 1) * chunkBytes));
    }

    /// <summary>PureHDF throws on the first read of a big-endian dataset; read one element to turn that into a clear message.</summary>
    private void CheckByteOrder(NativeDataset dataset)
    {
        if (Shape.Any(extent => extent == 0))
        {
            return;
        }

        try
        {
            DType.Dispatch(new FirstElement(this, dataset));
        }
        catch (Exception error) when (error.Message.Contains("Byte order", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{Spec.Path}/{Spec.Key} is stored big-endian, which PureHDF cannot read. Convert it to little-endian first, e.g. with h5py: f2.create_dataset(key, data=f[key][...].astype(f[key].dtype.newbyteorder('<'))).", error);
        }
    }

    private static NativeFile OpenFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"HDF5 file {path} does not exist.", path);
        }

        try
        {
            return H5File.OpenRead(path);
        }
        catch (Exception error) when (error is not IOException or FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a readable HDF5 file: {error.Message}", error);
        }
    }

    private static NativeDataset FindDataset(NativeFile file, string path, string key)
    {
        IH5Object? found = file.LinkExists(key) ? file.Get(key) : null;
        return found as NativeDataset
            ?? throw new KeyNotFoundException($"{path} has no dataset '{key}'{(found is IH5Group ? " (it is a group)" : string.Empty)}; it holds {ListDatasets(file)}.");
    }

    private static string ListDatasets(NativeFile file)
    {
        var names = new List<string>();
        void Walk(IH5Group group, string prefix)
        {
            foreach (var child in group.Children())
            {
                string name = prefix + child.Name;
                if (child is IH5Dataset)
                {
                    names.Add(name);
                }
                else if (child is IH5Group inner)
                {
                    Walk(inner, name + "/");
                }
            }
        }

        Walk(file, string.Empty);
        return names.Count == 0 ? "no datasets" : $"the datasets {string.Join(", ", names.Order(StringComparer.Ordinal))}";
    }

    private static DType DTypeOf(NativeDataset dataset, string path, string key)
    {
        var type = dataset.Type;
        DType? dtype = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? DType.Int8 : DType.UInt8,
            (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? DType.Int16 : DType.UInt16,
            (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? DType.Int32 : DType.UInt32,
            (H5DataTypeClass.FixedPoint, 8) => type.FixedPoint.IsSigned ? DType.Int64 : DType.UInt64,
            (H5DataTypeClass.FloatingPoint, 4) => DType.Float32,
            (H5DataTypeClass.FloatingPoint, 8) => DType.Float64,
            _ => null,
        };
        return dtype ?? throw new InvalidDataException($"{path}/{key} holds {type.Class} values of {type.Size} bytes; expected integers or float32/float64.");
    }

    private sealed class FirstElement(Hdf5Source source, NativeDataset dataset) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            Span<T> one = stackalloc T[1];
            source.ReadHyperslab(dataset, Region.FromShape(Enumerable.Repeat(1L, source.Shape.Count).ToArray()), one);
            return true;
        }
    }
}
