using System.Numerics;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;

namespace BioImage.Operations;

/// <summary>
/// Block-wise connected-component labelling that equals labelling the whole volume at once — scipy.ndimage.label's
/// numbering, 1..N in raster order of each component's first voxel — voxel for voxel, for any block shape,
/// connectivity 1..rank (faces, edges and corners; bioimage-py supports only faces) and backend.
/// </summary>
/// <remarks>
/// <para>
/// Foreground is every non-zero input voxel (wrap the input in a <see cref="Sources.Wrappers.ThresholdSource"/> for <c>&gt; t</c>)
/// inside the mask, when one is given. Three runner passes share one blocking, and the output holds the state between
/// them, as in bioimage-py:
/// </para>
/// <list type="number">
/// <item><b>blocks</b> (<see cref="LabelBlocksStep"/>): each block labels its foreground with
/// <see cref="ConnectedComponents"/> — local labels 1..n in block raster order — writes them to the output and
/// returns n and the block-local index of each label's first voxel.</item>
/// <item><b>seams</b> (<see cref="LabelSeamsStep"/>): each block reads its labels with a one-voxel halo and pairs the
/// label of every foreground voxel on its border with the labels of its foreground neighbours (per the connectivity)
/// that lie in a block with a larger id; this covers faces, edges and corners, each contact once.</item>
/// <item>in process: provisional labels get global numbers (block offsets are prefix sums of n), a union-find over
/// the labels that occur in seam pairs only — memory O(labels touching block borders), not O(voxels) as upstream —
/// joins components across blocks, and each component's key is the smallest raster index of its members' first
/// voxels. Within a block, block raster order is volume raster order, so a local label's first voxel is its first
/// voxel in the volume; sorting the keys therefore yields the whole-volume numbering.</item>
/// <item><b>relabel</b> (<see cref="LabelRelabelStep"/>): each block maps its local labels through its slice of
/// that table (in memory for local runs; a Zarr array under the run's temp root for worker processes).</item>
/// </list>
/// <para>
/// Cost: passes 1 and 4 are O(voxels), pass 2 O(border voxels × neighbours), pass 3 O(N log N) time and 32 bytes per
/// provisional label N (first-voxel keys, sort buffers and the label table) in the calling process.
/// </para>
/// </remarks>
public static class Label
{
    /// <summary>Labels the non-zero voxels of <paramref name="input"/> into <paramref name="output"/> (uint32 or uint64, same shape); returns the number of components.</summary>
    /// <param name="input">1D to 3D data of any dtype; non-zero (and inside <see cref="RunOptions.Mask"/>) is foreground.</param>
    /// <param name="output">A writable uint32 or uint64 array of the input's shape, new or all zero where the mask skips blocks.</param>
    /// <param name="options">Backend, workers and block shape (default: the output's chunks, else the input's, else one block). ROI and block ids are not supported.</param>
    /// <param name="connectivity">1..rank, as scipy's <c>generate_binary_structure(rank, connectivity)</c>: 1 = faces only, rank = faces, edges and corners.</param>
    /// <exception cref="ArgumentException">A parameter does not fit the data (the message names it and the valid values).</exception>
    public static long Run(ISource input, ISource output, RunOptions options, int connectivity = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        long[] shape = [.. input.Shape];
        Validate(shape, output, options, connectivity);
        long[] blockShape = [.. options.BlockShape ?? output.Chunks ?? input.Chunks ?? shape.Select(e => Math.Max(e, 1))];
        var blocking = new Blocking(shape, blockShape);
        var passOptions = options with { BlockShape = blockShape };

        var blocks = Runner.Run(new LabelBlocksStep { Connectivity = connectivity }, [input], [output], passOptions);
        var summaries = new LabelBlockSummary?[blocking.BlockCount];
        foreach (var block in blocks)
        {
            summaries[block.BlockId] = block.Value;
        }

        long[] offsets = Offsets(summaries);
        long[] labelled = [.. Enumerable.Range(0, summaries.Length).Where(b => summaries[b] is { Count: > 0 }).Select(b => (long)b)];
        if (labelled.Length == 0)
        {
            return 0;
        }

        var labelledOptions = passOptions with { BlockIds = labelled, Mask = null };
        var seams = Runner.Run(new LabelSeamsStep { Connectivity = connectivity, BlockShape = blockShape }, [output], labelledOptions);
        var (table, count) = FinalLabels(blocking, offsets, summaries, seams);
        if (output.DType == DType.UInt32 && count > uint.MaxValue)
        {
            throw new OverflowException($"The volume has {count} components, more than a uint32 output can number; use a uint64 output.");
        }

        RelabelBlocks(table, offsets, output, labelledOptions);
        return count;
    }

    private static void Validate(long[] shape, ISource output, RunOptions options, int connectivity)
    {
        if (shape.Length is < 1 or > 3)
        {
            throw new ArgumentException($"label needs 1D to 3D data; the input has {shape.Length} axes.", nameof(shape));
        }

        if (connectivity < 1 || connectivity > shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"The connectivity must be 1 to {shape.Length} for {shape.Length}D data (1 = faces only, {shape.Length} = faces, edges and corners).");
        }

        if (output.DType is not (DType.UInt32 or DType.UInt64))
        {
            throw new ArgumentException($"The label output must be uint32 or uint64; it is {output.DType.NumpyName()}.", nameof(output));
        }

        if (!output.Shape.SequenceEqual(shape))
        {
            throw new ArgumentException($"The label output shape ({string.Join(", ", output.Shape)}) must equal the input shape ({string.Join(", ", shape)}).", nameof(output));
        }

        if (options.Roi is not null || options.BlockIds is not null || options.ResumeFrom is not null)
        {
            throw new ArgumentException("label always processes the whole volume: a ROI, block ids and resume-from are not supported (components may cross any sub-volume's border).", nameof(options));
        }
    }

    /// <summary>Exclusive prefix sums of the blocks' label counts, plus the total at the end.</summary>
    private static long[] Offsets(LabelBlockSummary?[] summaries)
    {
        var offsets = new long[summaries.Length + 1];
        for (int b = 0; b < summaries.Length; b++)
        {
            offsets[b + 1] = offsets[b] + (summaries[b]?.Count ?? 0);
        }

        return offsets;
    }

    /// <summary>The final label of every provisional label (block b's local label k is entry offsets[b] + k − 1) and the number of components.</summary>
    private static (ulong[] Table, long Count) FinalLabels(Blocking blocking, long[] offsets, LabelBlockSummary?[] summaries, IReadOnlyList<BlockResult<long[]>> seams)
    {
        long provisional = offsets[^1];
        if (provisional > Array.MaxLength)
        {
            throw new OverflowException($"{provisional} provisional labels exceed what one process can order ({Array.MaxLength}); use larger blocks.");
        }

        var keys = FirstVoxelKeys(blocking, offsets, summaries);
        using var sets = new UnionFind<uint>();
        var members = new List<long>();
        var indexOf = new Dictionary<long, int>();
        uint IndexOf(long label)
        {
            if (!indexOf.TryGetValue(label, out int index))
            {
                index = members.Count;
                indexOf.Add(label, index);
                members.Add(label);
                sets.MakeSet();
            }

            return (uint)index;
        }

        foreach (var seam in seams)
        {
            long[] triples = seam.Value;
            for (int i = 0; i < triples.Length; i += 3)
            {
                sets.Union(IndexOf(offsets[seam.BlockId] + triples[i + 1] - 1), IndexOf(offsets[triples[i]] + triples[i + 2] - 1));
            }
        }

        long RepresentativeOf(int member) => members[(int)sets.Find((uint)member)];
        for (int member = 0; member < members.Count; member++)
        {
            long representative = RepresentativeOf(member);
            keys[representative] = Math.Min(keys[representative], keys[members[member]]);
        }

        var representatives = new List<long>((int)provisional - members.Count);
        for (long label = 0; label < provisional; label++)
        {
            if (!indexOf.TryGetValue(label, out int member) || RepresentativeOf(member) == label)
            {
                representatives.Add(label);
            }
        }

        long[] order = [.. representatives];
        long[] orderKeys = [.. order.Select(label => keys[label])];
        Array.Sort(orderKeys, order);
        var table = new ulong[provisional];
        for (int rank = 0; rank < order.Length; rank++)
        {
            table[order[rank]] = (ulong)rank + 1;
        }

        for (int member = 0; member < members.Count; member++)
        {
            table[members[member]] = table[RepresentativeOf(member)];
        }

        return (table, order.Length);
    }

    /// <summary>The volume raster index of each provisional label's first voxel.</summary>
    private static long[] FirstVoxelKeys(Blocking blocking, long[] offsets, LabelBlockSummary?[] summaries)
    {
        var keys = new long[offsets[^1]];
        var shape = blocking.Shape.ToArray();
        Span<long> position = stackalloc long[shape.Length];
        for (int b = 0; b < summaries.Length; b++)
        {
            if (summaries[b] is not { } summary)
            {
                continue;
            }

            var block = blocking.GetBlock(b);
            long[] blockShape = [.. block.Shape];
            for (int k = 0; k < summary.FirstVoxels.Length; k++)
            {
                long local = summary.FirstVoxels[k], key = 0;
                for (int axis = shape.Length - 1; axis >= 0; axis--)
                {
                    position[axis] = block.Begin[axis] + (local % blockShape[axis]);
                    local /= blockShape[axis];
                }

                for (int axis = 0; axis < shape.Length; axis++)
                {
                    key = (key * shape[axis]) + position[axis];
                }

                keys[offsets[b] + k] = key;
            }
        }

        return keys;
    }

    private static void RelabelBlocks(ulong[] table, long[] offsets, ISource output, RunOptions options)
    {
        var step = new LabelRelabelStep { Offsets = offsets };
        if (options.JobType == JobType.Local)
        {
            step.TableSource = new ArraySource<ulong>(NdArray<ulong>.Wrap(table, [table.Length]));
            Runner.Run(step, [], [output], options);
            return;
        }

        // Worker processes read their slice of the table from a Zarr array under the temp root shared with them.
        string folder = Path.Combine(options.EffectiveTmpRoot, $"bioimage-label-{Guid.NewGuid():N}");
        var tableSource = ChunkedSource.Create(folder, null, new ArrayOptions { Shape = [table.Length], DType = DType.UInt64, Chunks = [LabelRelabelStep.TableChunk], Format = StorageFormat.ZarrV2 });
        for (int begin = 0; begin < table.Length; begin += LabelRelabelStep.TableChunk)
        {
            int length = Math.Min(LabelRelabelStep.TableChunk, table.Length - begin);
            tableSource.Write<ulong>(new Region([begin], [begin + length]), new ReadOnlySpan3D<ulong>(table.AsSpan(begin, length), 1, 1, length));
        }

        step.Table = tableSource.Spec;
        Runner.Run(step, [], [output], options);
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>Pass 1 of <see cref="Label"/>: one block's local labels and the block-local raster index of each label's first voxel.</summary>
/// <param name="Count">Number of local labels n (1..n).</param>
/// <param name="FirstVoxels">Block-local raster index of the first voxel of labels 1..n.</param>
public sealed record LabelBlockSummary(long Count, int[] FirstVoxels);

/// <summary>Pass 1 of <see cref="Label"/>: labels the block's foreground (local labels 1..n) into the output.</summary>
public sealed class LabelBlocksStep : ReduceOperation<LabelBlockSummary>
{
    /// <summary>1..rank, as scipy's <c>generate_binary_structure</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <inheritdoc />
    public override LabelBlockSummary Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new LabelBlock(block, Connectivity));
    }

    private sealed class LabelBlock(BlockContext block, int connectivity) : IDTypeFunc<LabelBlockSummary>
    {
        public LabelBlockSummary Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            using var data = BlockData.Read<T>(block.Inputs[0], region);
            using var foreground = NdArray<bool>.Allocate(region.GetShapeAsInt32(), clear: false);
            var inside = block.Mask is null ? null : MaskFlags.Read(block.Mask, region);
            for (int i = 0; i < data.Length; i++)
            {
                foreground.Span[i] = data.Span[i] != T.Zero && (inside is null || inside[i]);
            }

            var output = block.Outputs[0];
            return output.DType == DType.UInt32 ? Write<uint>(foreground, output, region) : Write<ulong>(foreground, output, region);
        }

        private LabelBlockSummary Write<TLabel>(NdArray<bool> foreground, ISource output, Region region)
            where TLabel : unmanaged, IBinaryInteger<TLabel>, IUnsignedNumber<TLabel>
        {
            using var labels = NdArray<TLabel>.Allocate(region.GetShapeAsInt32(), clear: false);
            long count = ConnectedComponents.Label(BlockData.Folded(foreground).Span, BlockData.Folded(labels).Span, connectivity);
            BlockData.Write(output, region, labels);
            var firstVoxels = new int[count];
            var next = TLabel.One;
            for (int i = 0, found = 0; found < count; i++)
            {
                // Labels are numbered in raster order of first appearance, so label k first appears after label k − 1 does.
                if (labels.Span[i] == next)
                {
                    firstVoxels[found++] = i;
                    next++;
                }
            }

            return new LabelBlockSummary(count, firstVoxels);
        }
    }
}

/// <summary>
/// Pass 2 of <see cref="Label"/>: the contacts between this block's labels and those of blocks with larger ids, as
/// triples (other block id, this block's local label, the other block's local label).
/// </summary>
public sealed class LabelSeamsStep : ReduceOperation<long[]>
{
    private Blocking? _blocking;

    /// <summary>1..rank, as scipy's <c>generate_binary_structure</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>The block shape of all passes (locates the block of a halo voxel).</summary>
    public long[] BlockShape { get; set; } = [];

    /// <inheritdoc />
    public override long[] GetHalo(int rank) => [.. Enumerable.Repeat(1L, rank)];

    /// <inheritdoc />
    public override long[] Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var labelsSource = block.Inputs[0];
        var blocking = LazyInitializer.EnsureInitialized(ref _blocking, () => new Blocking([.. labelsSource.Shape], BlockShape));
        var outer = block.Block.Outer;
        using var labels = BlockData.ReadAs<ulong>(labelsSource, outer);
        var view = BlockData.Folded(labels).Span;
        var begin = BlockData.Pad(block.Block.InnerLocal.Begin);
        var end = BlockData.Pad(block.Block.InnerLocal.End, fill: 1);
        var origin = BlockData.Pad(outer.Begin);
        var neighbours = Neighbours(Connectivity);
        var contacts = new HashSet<(long Block, ulong Label, ulong Other)>();
        Span<long> grid = stackalloc long[3];
        for (int z = begin.Z; z < end.Z; z++)
        {
            for (int y = begin.Y; y < end.Y; y++)
            {
                bool borderRow = z == begin.Z || z == end.Z - 1 || y == begin.Y || y == end.Y - 1;
                int step = borderRow ? 1 : Math.Max(end.X - 1 - begin.X, 1);
                for (int x = begin.X; x < end.X; x += step)
                {
                    ulong label = view[z, y, x];
                    if (label == 0)
                    {
                        continue;
                    }

                    foreach (var (dz, dy, dx) in neighbours)
                    {
                        int qz = z + dz, qy = y + dy, qx = x + dx;
                        bool inside = qz >= begin.Z && qz < end.Z && qy >= begin.Y && qy < end.Y && qx >= begin.X && qx < end.X;
                        if (inside || (uint)qz >= (uint)view.Depth || (uint)qy >= (uint)view.Height || (uint)qx >= (uint)view.Width || view[qz, qy, qx] == 0)
                        {
                            continue;
                        }

                        long other = OwnerBlock(blocking, origin, qz, qy, qx, grid);
                        if (other > block.Block.BlockId)
                        {
                            contacts.Add((other, label, view[qz, qy, qx]));
                        }
                    }
                }
            }
        }

        return [.. contacts.SelectMany(c => new[] { c.Block, (long)c.Label, (long)c.Other })];
    }

    /// <summary>The id of the block holding the voxel at (z, y, x) of the read box whose origin is <paramref name="origin"/>.</summary>
    private static long OwnerBlock(Blocking blocking, Index3 origin, int z, int y, int x, Span<long> grid)
    {
        int rank = blocking.Rank;
        long[] coordinates = [origin.Z + z, origin.Y + y, origin.X + x];
        for (int axis = 0; axis < rank; axis++)
        {
            grid[axis] = coordinates[3 - rank + axis] / blocking.BlockShape[axis];
        }

        return blocking.GetBlockId(grid[..rank]);
    }

    /// <summary>The offsets (dz, dy, dx) of <c>generate_binary_structure(3, connectivity)</c>: at most <paramref name="connectivity"/> non-zero steps.</summary>
    private static List<(int Z, int Y, int X)> Neighbours(int connectivity)
    {
        var offsets = new List<(int, int, int)>();
        for (int dz = -1; dz <= 1; dz++)
        {
            for (int dy = -1; dy <= 1; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    int steps = Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx);
                    if (steps > 0 && steps <= connectivity)
                    {
                        offsets.Add((dz, dy, dx));
                    }
                }
            }
        }

        return offsets;
    }
}

/// <summary>Pass 4 of <see cref="Label"/>: maps the block's local labels to the final labels through its slice of the table.</summary>
public sealed class LabelRelabelStep : BlockOperation
{
    /// <summary>Chunk length of the table array written for worker processes.</summary>
    internal const int TableChunk = 1 << 20;

    private ISource? _opened;

    /// <summary>Exclusive prefix sums of the blocks' label counts (block b's labels are table entries Offsets[b] .. Offsets[b + 1] − 1).</summary>
    public long[] Offsets { get; set; } = [];

    /// <summary>The table (a 1D uint64 array of final labels), reopened by worker processes.</summary>
    public SourceSpec? Table { get; set; }

    /// <summary>The opened table (local runs; not serialized).</summary>
    [JsonIgnore]
    public ISource? TableSource { get; set; }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var table = TableSource ?? LazyInitializer.EnsureInitialized(ref _opened, () => Source.Open(Table ?? throw new InvalidOperationException("LabelRelabelStep needs its Table (spec) or TableSource.")));
        long id = block.Block.BlockId;
        int count = checked((int)(Offsets[id + 1] - Offsets[id]));
        var mapping = new ulong[count + 1];
        table.Read(new Region([Offsets[id]], [Offsets[id] + count]), new Span3D<ulong>(mapping.AsSpan(1), 1, 1, count));
        var output = block.Outputs[0];
        if (output.DType == DType.UInt32)
        {
            Apply<uint>(output, block.Block.Inner, [.. mapping.Select(label => (uint)label)]);
        }
        else
        {
            Apply(output, block.Block.Inner, mapping);
        }
    }

    private static void Apply<TLabel>(ISource output, Region region, TLabel[] mapping)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        using var labels = BlockData.Read<TLabel>(output, region);
        var view = BlockData.Folded(labels).Span;
        Relabel.WithTable<TLabel, TLabel>(view, mapping, view);
        BlockData.Write(output, region, labels);
    }
}
