using BioImage.Kernels;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Core.Tests.Storage;

/// <summary>
/// Region reads and writes of ChunkedArray by exact identities: what is written reads back, any sub-region equals
/// the slice of the whole, overwrites only touch their region, for every dtype and format, odd shapes, edge chunks.
/// </summary>
public class ChunkedArrayTests
{
    public static TheoryData<StorageFormat, DType, bool> Layouts()
    {
        var data = new TheoryData<StorageFormat, DType, bool>();
        foreach (var dtype in DTypes.All)
        {
            data.Add(StorageFormat.ZarrV3, dtype, false);
            data.Add(StorageFormat.ZarrV3, dtype, true);
            data.Add(StorageFormat.ZarrV2, dtype, false);
            if (dtype != DType.Bool)
            {
                data.Add(StorageFormat.N5, dtype, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Writes_read_back_and_sub_regions_equal_slices(StorageFormat format, DType dtype, bool sharded)
    {
        var store = new MemoryStore();
        long[] shape = [11, 19, 23];
        var array = ChunkedArray.Create(store, "group/volume", new ArrayOptions
        {
            Shape = shape,
            DType = dtype,
            Chunks = [4, 5, 6],
            Shards = sharded ? [8, 10, 12] : null,
            Format = format,
            Compressor = dtype.ItemSize() == 1 ? new ZstdCodec(1) : new BloscCodec("lz4", 5, BloscShuffle.Shuffle),
        });
        var whole = Region.FromShape(shape);
        var data = Random(dtype, whole.VoxelCount);
        array.WriteRegion(whole, (ReadOnlyMemory<byte>)data);

        var reopened = ChunkedArray.Open(store, "group/volume");
        var back = new byte[data.Length];
        reopened.ReadRegion(whole, back);
        Assert.Equal(data, back);

        var region = new Region([3, 1, 5], [10, 19, 17]);
        var part = new byte[region.VoxelCount * dtype.ItemSize()];
        reopened.ReadRegion(region, part);
        Assert.Equal(Slice(data, shape, region, dtype.ItemSize()), part);

        // Overwrite an unaligned box: only it changes.
        var box = new Region([1, 4, 2], [6, 13, 21]);
        var patch = Random(dtype, box.VoxelCount, seed: 99);
        reopened.WriteRegion(box, (ReadOnlyMemory<byte>)patch);
        BoxCopy.Copy(patch, box.Shape, new long[3], data, shape, box.Begin, box.Shape, dtype.ItemSize());
        reopened.ReadRegion(whole, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public void Typed_and_3d_view_entry_points_agree_with_the_byte_level_ones()
    {
        var array = ChunkedArray.Create(new MemoryStore(), "a", new ArrayOptions { Shape = [9, 10, 11], DType = DType.Float32, Chunks = [4, 4, 4] });
        using var source = NdArray<float>.Allocate([9, 10, 11]);
        for (int i = 0; i < source.Length; i++)
        {
            source.Span[i] = (i * 0.5f) - 100;
        }

        array.WriteRegion(Region.FromShape([9, 10, 11]), source);
        using var all = array.Read<float>();
        Assert.Equal(source.ToArray(), all.ToArray());

        // Read a region into a strided view of a bigger buffer, and write one back from a strided view.
        var region = new Region([2, 3, 1], [7, 9, 10]);
        var big = new float[7 * 8 * 12];
        var view = new Span3D<float>(big, 7, 8, 12).Slice(1, 1, 2, 5, 6, 9);
        array.ReadRegion(region, view);
        for (int z = 0; z < 5; z++)
        {
            for (int y = 0; y < 6; y++)
            {
                for (int x = 0; x < 9; x++)
                {
                    Assert.Equal(source[z + 2, y + 3, x + 1], view[z, y, x]);
                }
            }
        }

        view.Fill(7);
        array.WriteRegion(region, (ReadOnlySpan3D<float>)view);
        using var after = array.Read<float>(region);
        Assert.All(after.ToArray(), v => Assert.Equal(7, v));
        Assert.Contains("holds float32 values", Assert.Throws<ArgumentException>(() => array.Read<int>()).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => array.Read<float>(new Region([0, 0, 0], [10, 1, 1])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chunks_equal_to_the_fill_value_are_skipped_unless_asked_and_missing_chunks_read_as_fill(bool writeEmptyChunks)
    {
        var store = new MemoryStore();
        var array = ChunkedArray.Create(store, string.Empty, new ArrayOptions { Shape = [8, 8], DType = DType.Int16, Chunks = [4, 4], FillValue = -2 });
        array.WriteEmptyChunks = writeEmptyChunks;
        using var data = NdArray<short>.Allocate([8, 8]);
        data.Span.Fill(-2);
        data[1, 5] = 3;
        array.WriteRegion(Region.FromShape([8, 8]), data);
        var chunkKeys = store.List(string.Empty).Where(k => k.StartsWith("c/", StringComparison.Ordinal)).ToList();
        Assert.Equal(writeEmptyChunks ? ["c/0/0", "c/0/1", "c/1/0", "c/1/1"] : ["c/0/1"], chunkKeys);
        using var back = array.Read<short>();
        Assert.Equal(data.ToArray(), back.ToArray());

        // Rewriting a chunk with fill only removes it again (when empty chunks are skipped).
        data[1, 5] = -2;
        array.WriteRegion(new Region([0, 4], [4, 8]), NdArray<short>.Wrap(Enumerable.Repeat((short)-2, 16).ToArray(), [4, 4]));
        Assert.Equal(writeEmptyChunks ? 4 : 0, store.List(string.Empty).Count(k => k.StartsWith("c/", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(StorageFormat.ZarrV2)]
    [InlineData(StorageFormat.ZarrV3)]
    [InlineData(StorageFormat.N5)]
    public void Attributes_survive_saving_and_reopening(StorageFormat format)
    {
        var store = new MemoryStore();
        var array = ChunkedArray.Create(store, "g/a", new ArrayOptions { Shape = [4, 5], DType = DType.UInt16, Chunks = [2, 2], Format = format, Attributes = new() { ["unit"] = "nm" } });
        array.Metadata.Attributes["resolution"] = new System.Text.Json.Nodes.JsonArray(4.0, 8.0);
        array.SaveMetadata();
        var reopened = ChunkedArray.Open(store, "g/a");
        Assert.Equal("nm", reopened.Metadata.Attributes["unit"]!.GetValue<string>());
        Assert.Equal("[4,8]", reopened.Metadata.Attributes["resolution"]!.ToJsonString());
        Assert.Equal(format, reopened.Metadata.Format);
    }

    [Fact]
    public void Parallel_and_sequential_chunk_processing_give_the_same_bytes()
    {
        var sequential = new MemoryStore();
        var parallel = new MemoryStore();
        var options = new ArrayOptions { Shape = [30, 31, 33], DType = DType.UInt16, Chunks = [8, 8, 8], Compressor = new BloscCodec("zstd", 3, BloscShuffle.BitShuffle) };
        var data = Random(DType.UInt16, 30 * 31 * 33);
        var one = ChunkedArray.Create(sequential, "x", options);
        one.MaxDegreeOfParallelism = 1;
        one.WriteRegion(Region.FromShape([30, 31, 33]), (ReadOnlyMemory<byte>)data);
        var many = ChunkedArray.Create(parallel, "x", options);
        many.MaxDegreeOfParallelism = 8;
        many.WriteRegion(Region.FromShape([30, 31, 33]), (ReadOnlyMemory<byte>)data);
        foreach (string key in sequential.List(string.Empty))
        {
            Assert.Equal(sequential.Get(key), parallel.Get(key));
        }
    }

    [Theory]
    [InlineData(new long[] { -1, 4 }, new[] { 2, 2 }, "negative extent")]
    [InlineData(new long[] { 4, 4 }, new[] { 0, 2 }, "extent below 1")]
    [InlineData(new long[] { 4, 4 }, new[] { 2 }, "has 2 axes but the chunk shape [2] has 1")]
    [InlineData(new long[] { 1L << 40, 1L << 40 }, new[] { 1 << 20, 1 << 20 }, "below 2 GiB")]
    public void Absurd_options_are_refused_before_anything_is_written(long[] shape, int[] chunks, string phrase)
    {
        var store = new MemoryStore();
        var error = Assert.Throws<ArgumentException>(() => ChunkedArray.Create(store, "a", new ArrayOptions { Shape = shape, DType = DType.UInt8, Chunks = chunks }));
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
        Assert.Empty(store.List(string.Empty));
    }

    public static TheoryData<bool, DType, int> PlainCases()
    {
        var data = new TheoryData<bool, DType, int>();
        foreach (bool onDisk in new[] { false, true })
        {
            foreach (var dtype in new[] { DType.UInt8, DType.Float32 })
            {
                data.Add(onDisk, dtype, 1);
                data.Add(onDisk, dtype, 3);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void Uncompressed_chunks_in_runs_read_and_write_unaligned_regions_and_edge_chunks(bool onDisk, DType dtype, int workers)
    {
        // Regions span several chunks along the last axis (one run), start and end inside chunks, and reach the partial
        // edge chunks; the oracle slices with plain index arithmetic.
        using var folder = new TemporaryFolder();
        IStore store = onDisk ? new FileSystemStore(folder.Path) : new MemoryStore();
        foreach (long[] shape in new[] { new long[] { 9, 13, 70 }, new long[] { 5, 41 }, new long[] { 100 } })
        {
            int[] chunks = shape.Length switch { 3 => [4, 5, 8], 2 => [2, 6], _ => [7] };
            var options = new ArrayOptions { Shape = shape, DType = dtype, Chunks = chunks, Format = StorageFormat.ZarrV2, Compressor = null };
            var array = ChunkedArray.Create(store, "plain", options);
            array.MaxDegreeOfParallelism = workers;
            var whole = Region.FromShape(shape);
            var data = Random(dtype, whole.VoxelCount, seed: shape.Length);
            array.WriteRegion(whole, (ReadOnlyMemory<byte>)data);

            var reopened = ChunkedArray.Open(store, "plain");
            reopened.MaxDegreeOfParallelism = workers;
            var back = new byte[data.Length];
            reopened.ReadRegion(whole, back);
            Assert.Equal(data, back);

            var region = new Region(shape.Select(e => e / 3).ToArray(), shape.Select(e => e - 1).ToArray());
            var part = new byte[region.VoxelCount * dtype.ItemSize()];
            reopened.ReadRegion(region, part);
            Assert.Equal(NaiveSlice(data, shape, region, dtype.ItemSize()), part);

            var box = new Region(shape.Select(e => e / 4).ToArray(), shape.Select(e => e - (e / 5)).ToArray());
            var patch = Random(dtype, box.VoxelCount, seed: 7);
            reopened.WriteRegion(box, (ReadOnlyMemory<byte>)patch);
            reopened.ReadRegion(whole, back);
            for (long i = 0; i < whole.VoxelCount; i++)
            {
                var at = Unravel(i, shape);
                var expected = box.Contains(new Region(at, at.Select(e => e + 1).ToArray()))
                    ? patch.AsSpan((int)(Ravel(at.Zip(box.Begin.ToArray(), (a, b) => a - b).ToArray(), box.Shape.ToArray()) * dtype.ItemSize()), dtype.ItemSize())
                    : data.AsSpan((int)(i * dtype.ItemSize()), dtype.ItemSize());
                Assert.True(expected.SequenceEqual(back.AsSpan((int)(i * dtype.ItemSize()), dtype.ItemSize())), $"voxel ({string.Join(", ", at)}) of {shape.Length}D");
            }
        }
    }

    [Theory]
    [InlineData(false, -1)]
    [InlineData(false, 1)]
    [InlineData(true, -1)]
    [InlineData(true, 1)]
    public void A_truncated_or_oversized_uncompressed_chunk_is_reported_by_name(bool onDisk, int lengthChange)
    {
        using var folder = new TemporaryFolder();
        IStore store = onDisk ? new FileSystemStore(folder.Path) : new MemoryStore();
        long[] shape = [6, 6, 24];
        var array = ChunkedArray.Create(store, "raw", new ArrayOptions { Shape = shape, DType = DType.Float32, Chunks = [3, 3, 6], Format = StorageFormat.ZarrV2, Compressor = null });
        array.WriteRegion(Region.FromShape(shape), (ReadOnlyMemory<byte>)Random(DType.Float32, 6 * 6 * 24));
        var stored = store.Get("raw/1.0.2")!;
        store.Set("raw/1.0.2", lengthChange < 0 ? stored.AsSpan(0, stored.Length - 5) : [.. stored, 0]);

        var destination = new byte[6 * 6 * 24 * 4];
        var error = Assert.Throws<InvalidDataException>(() => array.ReadRegion(Region.FromShape(shape), destination));
        Assert.Contains("1.0.2", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the chunk holds {stored.Length + (lengthChange < 0 ? -5 : 1)} bytes", error.Message, StringComparison.Ordinal);

        // A region that does not touch the bad chunk still reads.
        array.ReadRegion(new Region([0, 0, 0], [3, 6, 24]), new byte[3 * 6 * 24 * 4]);
    }

    [Fact]
    public void A_missing_chunk_inside_a_run_reads_as_fill_value_between_stored_neighbours()
    {
        var store = new MemoryStore();
        long[] shape = [4, 30];
        var array = ChunkedArray.Create(store, "a", new ArrayOptions { Shape = shape, DType = DType.UInt8, Chunks = [4, 5], Format = StorageFormat.ZarrV2, Compressor = null, FillValue = 42 });
        var data = Random(DType.UInt8, 4 * 30);
        array.WriteEmptyChunks = true;
        array.WriteRegion(Region.FromShape(shape), (ReadOnlyMemory<byte>)data);
        store.Delete("a/0.2");
        var region = new Region([1, 3], [4, 27]);
        var back = new byte[region.VoxelCount];
        array.ReadRegion(region, back);
        for (int y = 1; y < 4; y++)
        {
            for (int x = 3; x < 27; x++)
            {
                Assert.Equal(x is >= 10 and < 15 ? 42 : data[(y * 30) + x], back[((y - 1) * 24) + x - 3]);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Concurrent_partial_writes_of_the_same_chunks_all_land(bool compressed)
    {
        // Every task rewrites one column of the same few chunks (a read-modify-write each): none may undo another.
        var store = new MemoryStore();
        var array = ChunkedArray.Create(store, "a", new ArrayOptions { Shape = [4, 96], DType = DType.UInt8, Chunks = [4, 16], Format = StorageFormat.ZarrV2, Compressor = compressed ? new ZstdCodec(1) : null });
        array.MaxDegreeOfParallelism = 1;
        // Four writers step through the columns side by side (writer w takes x = w, w + 4, …), so they meet in every chunk.
        var writers = Enumerable.Range(0, 4).Select(w => new Thread(() =>
        {
            for (int x = w; x < 96; x += 4)
            {
                array.WriteRegion(new Region([0, x], [4, x + 1]), (ReadOnlyMemory<byte>)Enumerable.Repeat((byte)(x + 1), 4).ToArray());
            }
        })).ToList();
        writers.ForEach(writer => writer.Start());
        writers.ForEach(writer => writer.Join());
        var back = new byte[4 * 96];
        array.ReadRegion(Region.FromShape([4, 96]), back);
        Assert.Equal(Enumerable.Range(0, 4 * 96).Select(i => (byte)((i % 96) + 1)), back);
    }

    private static byte[] NaiveSlice(byte[] data, long[] shape, Region region, int itemSize)
    {
        var part = new byte[region.VoxelCount * itemSize];
        var regionShape = region.Shape.ToArray();
        for (long i = 0; i < region.VoxelCount; i++)
        {
            var at = Unravel(i, regionShape).Zip(region.Begin.ToArray(), (a, b) => a + b).ToArray();
            data.AsSpan((int)(Ravel(at, shape) * itemSize), itemSize).CopyTo(part.AsSpan((int)(i * itemSize)));
        }

        return part;
    }

    private static long[] Unravel(long index, long[] shape)
    {
        var at = new long[shape.Length];
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            at[axis] = index % shape[axis];
            index /= shape[axis];
        }

        return at;
    }

    private static long Ravel(long[] at, long[] shape)
    {
        long index = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            index = (index * shape[axis]) + at[axis];
        }

        return index;
    }

    internal static byte[] Random(DType dtype, long count, int seed = 1)
    {
        var bytes = new byte[count * dtype.ItemSize()];
        new Random(seed).NextBytes(bytes);
        if (dtype == DType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        return bytes;
    }

    private static byte[] Slice(byte[] data, long[] shape, Region region, int itemSize)
    {
        var part = new byte[region.VoxelCount * itemSize];
        BoxCopy.Copy(data, shape, region.Begin, part, region.Shape, new long[region.Rank], region.Shape, itemSize);
        return part;
    }

    /// <summary>A fresh folder under the temporary path, deleted on dispose.</summary>
    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bioimage-chunks-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
