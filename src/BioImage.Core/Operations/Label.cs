using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage.Stores;
using BioImage.Storage;

namespace BioImage.Operations;

/// <summary>
/// Block-wise connected-component labelling that equals labelling the whole volume at once — scipy.ndimage.label's
/// numbering, 1..N in raster order of each component's first voxel — voxel for voxel, for any block shape,
/// connectivity 1..rank (faces, edges and corners; bioimage-py supports only faces) and backend.
/// </summary>
/// <remarks>
/// <para>
/// Foreground is every non-zero input voxel (wrap the input in a <see cref="Sources.Wrappers.ThresholdSource"/> for
/// <c>&gt; t</c>) inside the mask, when one is given. Three runner passes share one blocking:
/// </para>
/// <list type="number">
/// <item><b>blocks</b> (<see cref="LabelBlocksStep"/>): each block labels its foreground with
/// <see cref="ConnectedComponents"/> — local labels 1..n in block raster order — stores its boundary planes
/// (<see cref="BlockShell"/>) in a scratch folder and returns n and the block-local index of each label's first
/// voxel.</item>
/// <item><b>seams</b> (<see cref="LabelSeamsStep"/>, one item per block): from its own shell and the shells of the
/// neighbours with larger ids (faces, edges and corners, as far as the connectivity reaches) a block lists which of
/// its labels touch which of theirs. Only boundary planes are read: O(border voxels).</item>
/// <item>in process: provisional labels get global numbers (block offsets are prefix sums of n), a union-find over
/// the labels that occur in seam contacts only — O(labels touching block borders), not O(voxels) as upstream —
/// joins components across blocks, and each component's key is the smallest raster index of its members' first
/// voxels. Within a block, block raster order is volume raster order, so a local label's first voxel is its first
/// voxel in the volume; sorting the keys yields the whole-volume numbering.</item>
/// <item><b>relabel</b> (<see cref="LabelRelabelStep"/>): each block labels its foreground again (the kernel is
/// deterministic), maps the local labels through its slice of that table (in memory for local runs; a .npy in the
/// scratch folder for worker processes) and writes the output once — recomputing is cheaper than storing and
/// re-reading provisional 32/64-bit labels. Blocks without labels (background, or skipped by the mask) are written as
/// zeros without reading the input, so re-running into an existing output leaves no stale labels.</item>
/// </list>
/// <para>
/// Cost: passes 1 and 3 are O(voxels), pass 2 O(border voxels × neighbours), the in-process step O(N log N) time
/// and 32 bytes per provisional label N (first-voxel keys, sort buffers and the label table) in the calling process. Shells and table
/// live in the run's scratch folder (shared with Slurm nodes): kept with a failed distributed run, so that a resume
/// continues from the pass that failed; deleted after success.
/// </para>
/// </remarks>
public sealed class Label : Operation<LabelResult>
{
    /// <summary>1..rank, as scipy's <c>generate_binary_structure(rank, connectivity)</c>: 1 = faces only, rank = faces, edges and corners.</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>The label type of the output: uint64 (default, as bioimage-py) or uint32.</summary>
    public DType DType { get; set; } = DType.UInt64;

    /// <inheritdoc />
    public override string Name => "label";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ["blocks", "seams", "relabel"];

    /// <summary>Labels the non-zero voxels of <paramref name="input"/> into <paramref name="output"/> (uint32 or uint64, same shape); returns the number of components.</summary>
    /// <param name="input">1D to 3D data of any dtype; non-zero (and inside <see cref="RunOptions.Mask"/>) is foreground.</param>
    /// <param name="output">A writable uint32 or uint64 array of the input's shape; every block is written (zeros where the mask skips blocks).</param>
    /// <param name="options">Backend, workers and block shape (default: the output's chunks, else the input's, else one block). ROI and block ids are not supported.</param>
    /// <param name="connectivity">1..rank, as scipy's <c>generate_binary_structure(rank, connectivity)</c>: 1 = faces only, rank = faces, edges and corners.</param>
    /// <exception cref="ArgumentException">A parameter does not fit the data (the message names it and the valid values).</exception>
    public static long Run(ISource input, ISource output, RunOptions options, int connectivity = 1)
    {
        ArgumentNullException.ThrowIfNull(output);
        return Executor.Compute(new Label { Connectivity = connectivity, DType = output.DType }, [input], [output], options).Components;
    }

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        int rank = inputs[0].Shape.Count;
        if (rank is < 1 or > 3)
        {
            throw new ArgumentException($"label needs 1D to 3D data; the input has {rank} axes.", nameof(inputs));
        }

        if (Connectivity < 1 || Connectivity > rank)
        {
            throw new ArgumentException($"--connectivity must be 1 to {rank} for {rank}D data (1 = faces only, {rank} = faces, edges and corners); got {Connectivity}.");
        }

        if (DType is not (DType.UInt32 or DType.UInt64))
        {
            throw new ArgumentException($"--dtype must be uint32 or uint64 for labels; got {DType.NumpyName()}.");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override LabelResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var input = run.Inputs[0];
        var output = run.Outputs[0];
        long[] shape = [.. input.Shape];
        long[] blockShape = [.. run.Options.BlockShape!];
        var blocking = new Blocking(shape, blockShape);
        string shells = Path.Combine(run.Scratch, "shells");
        var blocks = run.Reduce(new LabelBlocksStep { Connectivity = Connectivity, Shells = shells }, [input]);
        var summaries = new LabelBlockSummary?[blocking.BlockCount];
        foreach (var block in blocks)
        {
            summaries[block.BlockId] = block.Value;
        }

        long[] offsets = Offsets(summaries);
        long[] labelled = [.. Enumerable.Range(0, summaries.Length).Where(b => summaries[b] is { Count: > 0 }).Select(b => (long)b)];
        IReadOnlyList<BlockResult<long[]>> seams = [];
        if (labelled.Length == 0)
        {
            run.SkipPass();
        }
        else
        {
            seams = run.Map(new LabelSeamsStep { Connectivity = Connectivity, Shape = shape, BlockShape = blockShape, Shells = shells }, blocking.BlockCount, run.Options with { BlockIds = labelled });
        }

        var (table, count) = FinalLabels(blocking, offsets, summaries, seams);
        if (output.DType == DType.UInt32 && count > uint.MaxValue)
        {
            throw new DataConditionException($"The volume has {count} components, more than a uint32 output can number; use a uint64 output (--dtype uint64).");
        }

        RelabelBlocks(run, new LabelRelabelStep { Connectivity = Connectivity, Offsets = offsets }, table);
        return new LabelResult(count);
    }

    /// <inheritdoc />
    public override string Describe(LabelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result.Components} components (connectivity {Connectivity})";
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
            throw new DataConditionException($"{provisional} provisional labels exceed what one process can order ({Array.MaxLength}); use larger blocks (--block-shape).");
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

    private static void RelabelBlocks(OperationRun run, LabelRelabelStep step, ulong[] table)
    {
        var options = run.Options;
        if (options.JobType == JobType.Local)
        {
            step.TableSource = new ArraySource<ulong>(NdArray<ulong>.Wrap(table, [table.Length]));
        }
        else if (table.Length > 0)
        {
            // Worker processes read their slice of the table (positional reads) from a .npy in the scratch folder shared with them.
            string tablePath = Path.Combine(run.Scratch, "table.npy");
            NpyFile.Write(tablePath, NdArray<ulong>.Wrap(table, [table.Length]));
            step.Table = Source.Open(tablePath).Spec;
        }

        // The mask goes in as a second input, not as the runner's mask: blocks it skips are visited and written as zeros.
        run.Blocks(step, options.Mask is null ? [run.Inputs[0]] : [run.Inputs[0], options.Mask], run.Outputs, options with { Mask = null });
    }
}

/// <summary>The result of <see cref="Label"/>.</summary>
/// <param name="Components">The number of connected components (labels 1..N).</param>
public sealed record LabelResult(long Components);

/// <summary>Pass 1 of <see cref="Label"/>: one block's local labels and the block-local raster index of each label's first voxel.</summary>
/// <param name="Count">Number of local labels n (1..n).</param>
/// <param name="FirstVoxels">Block-local raster index of the first voxel of labels 1..n.</param>
public sealed record LabelBlockSummary(long Count, int[] FirstVoxels);

/// <summary>Pass 1 of <see cref="Label"/>: labels the block's foreground (local labels 1..n) and stores its boundary planes.</summary>
public sealed class LabelBlocksStep : ReduceOperation<LabelBlockSummary>
{
    /// <summary>1..rank, as scipy's <c>generate_binary_structure</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>The scratch folder of the block shells (one object per labelled block, keyed by block id).</summary>
    public string Shells { get; set; } = string.Empty;

    /// <inheritdoc />
    public override LabelBlockSummary Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        using var labels = LocalLabels.Of(block, block.Mask, Connectivity, out long count);
        if (count == 0)
        {
            return new LabelBlockSummary(0, []);
        }

        BlockShell.Save(new FileSystemStore(Shells), block.Block.BlockId.ToString(CultureInfo.InvariantCulture), BlockData.Folded(labels).Span, block.Block.Inner.Rank);
        var firstVoxels = new int[count];
        ReadOnlySpan<uint> voxels = labels.Span;
        for (int k = 0, from = 0; k < firstVoxels.Length; k++)
        {
            // Labels are numbered in raster order of first appearance, so label k + 1 first appears after label k does.
            from += voxels[from..].IndexOf((uint)k + 1);
            firstVoxels[k] = from;
        }

        return new LabelBlockSummary(count, firstVoxels);
    }
}

/// <summary>
/// Pass 2 of <see cref="Label"/>, one item per labelled block: the contacts between this block's labels and those of
/// the neighbouring blocks with larger ids, as triples (other block id, this block's local label, the other block's
/// local label), found on the blocks' stored shells.
/// </summary>
public sealed class LabelSeamsStep : MapOperation<long[]>
{
    private static readonly int[] FreeSteps = [-1, 0, 1];
    private static readonly int[] NoStep = [0];

    private Blocking? _blocking;

    /// <summary>1..rank, as scipy's <c>generate_binary_structure</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>The volume's shape.</summary>
    public long[] Shape { get; set; } = [];

    /// <summary>The block shape of all passes.</summary>
    public long[] BlockShape { get; set; } = [];

    /// <summary>The scratch folder of the block shells.</summary>
    public string Shells { get; set; } = string.Empty;

    /// <inheritdoc />
    public override long[] Run(long itemId)
    {
        var blocking = LazyInitializer.EnsureInitialized(ref _blocking, () => new Blocking(Shape, BlockShape));
        var store = new FileSystemStore(Shells);
        var own = Load(store, blocking, itemId) ?? throw new InvalidDataException($"{Shells}: the shell of block {itemId} is missing; the blocks pass did not finish.");
        var contacts = new HashSet<(long Block, uint Label, uint Other)>();
        foreach (var neighbour in blocking.GetNeighbours(itemId, Connectivity, upperOnly: true))
        {
            if (Load(store, blocking, neighbour.BlockId) is not { } other)
            {
                continue;
            }

            var step = BlockData.Pad([.. neighbour.GridOffset.Select(o => (long)o)]);
            AddContacts(own, other, step, Connectivity, neighbour.BlockId, contacts);
        }

        return [.. contacts.SelectMany(c => new[] { c.Block, c.Label, (long)c.Other })];
    }

    private static BlockShell? Load(IStore store, Blocking blocking, long blockId) =>
        BlockShell.Load(store, blockId.ToString(CultureInfo.InvariantCulture), BlockData.Pad([.. blocking.GetBlock(blockId).Shape], fill: 1), blocking.Rank);

    /// <summary>
    /// Every foreground voxel p of <paramref name="own"/> on its side towards the neighbour at grid offset
    /// <paramref name="step"/>, paired with every foreground voxel q of <paramref name="other"/> with q − p in the
    /// neighbourhood: q − p equals the step on the axes where the step is non-zero and is −1, 0 or 1 elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddContacts(BlockShell own, BlockShell other, Index3 step, int connectivity, long otherId, HashSet<(long, uint, uint)> contacts)
    {
        var extent = own.Extent;
        var otherExtent = other.Extent;
        int fixedSteps = Math.Abs(step.Z) + Math.Abs(step.Y) + Math.Abs(step.X);
        var (zRange, zFree) = Side(step.Z, extent.Z);
        var (yRange, yFree) = Side(step.Y, extent.Y);
        var (xRange, xFree) = Side(step.X, extent.X);
        for (int z = zRange.Start; z < zRange.End; z++)
        {
            for (int y = yRange.Start; y < yRange.End; y++)
            {
                for (int x = xRange.Start; x < xRange.End; x++)
                {
                    uint label = own[z, y, x];
                    if (label == 0)
                    {
                        continue;
                    }

                    foreach (int dz in zFree ? FreeSteps : NoStep)
                    {
                        foreach (int dy in yFree ? FreeSteps : NoStep)
                        {
                            foreach (int dx in xFree ? FreeSteps : NoStep)
                            {
                                if (fixedSteps + Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx) > connectivity)
                                {
                                    continue;
                                }

                                int qz = Across(step.Z, z + dz, otherExtent.Z), qy = Across(step.Y, y + dy, otherExtent.Y), qx = Across(step.X, x + dx, otherExtent.X);
                                if ((uint)qz < (uint)otherExtent.Z && (uint)qy < (uint)otherExtent.Y && (uint)qx < (uint)otherExtent.X && other[qz, qy, qx] is var touching and not 0)
                                {
                                    contacts.Add((otherId, label, touching));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The voxels of an axis on the side towards a step (the last one for +1, the first for −1, all for 0) and whether the axis is free (step 0).</summary>
    private static ((int Start, int End) Range, bool Free) Side(int step, int extent) => step switch
    {
        1 => ((extent - 1, extent), false),
        -1 => ((0, 1), false),
        _ => ((0, extent), true),
    };

    /// <summary>The neighbour's coordinate of a position: its first voxel for step +1, its last for −1, the same coordinate for 0.</summary>
    private static int Across(int step, int position, int otherExtent) => step switch
    {
        1 => 0,
        -1 => otherExtent - 1,
        _ => position,
    };
}

/// <summary>
/// Pass 3 (relabel) of <see cref="Label"/>: labels the block again (the kernel is deterministic, so the local labels equal pass
/// 1's), maps them to the final labels through the block's slice of the table and writes the output.
/// </summary>
public sealed class LabelRelabelStep : BlockOperation
{
    private ISource? _opened;

    /// <summary>1..rank, as scipy's <c>generate_binary_structure</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>Exclusive prefix sums of the blocks' label counts and the total (block b's labels are table entries Offsets[b] .. Offsets[b + 1] − 1).</summary>
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
        long id = block.Block.BlockId;
        int count = checked((int)(Offsets[id + 1] - Offsets[id]));
        var output = block.Outputs[0];
        var region = block.Block.Inner;
        if (count == 0)
        {
            // Background, or skipped by the mask in the first pass: written all the same, so no stale labels stay.
            if (output.DType == DType.UInt32)
            {
                WriteZeros<uint>(output, region);
            }
            else
            {
                WriteZeros<ulong>(output, region);
            }

            return;
        }

        var mapping = new ulong[count + 1];
        var table = TableSource ?? LazyInitializer.EnsureInitialized(ref _opened, () => Source.Open(Table ?? throw new InvalidOperationException("LabelRelabelStep needs its Table (spec) or TableSource.")));
        table.Read(new Region([Offsets[id]], [Offsets[id] + count]), new Span3D<ulong>(mapping.AsSpan(1), 1, 1, count));
        using var labels = LocalLabels.Of(block, block.Inputs.Count > 1 ? block.Inputs[1] : null, Connectivity, out long relabelled);
        if (relabelled != count)
        {
            throw new InvalidOperationException($"Block {id} has {relabelled} components now but had {count} in the first pass: the input changed during the run.");
        }

        var local = BlockData.Folded(labels).Span;
        if (output.DType == DType.UInt32)
        {
            // In place: the final labels fit in uint32 (checked before this pass).
            Relabel.WithTable<uint, uint>(local, [.. mapping.Select(label => (uint)label)], local);
            BlockData.Write(output, region, labels);
        }
        else
        {
            using var final = NdArray<ulong>.Allocate(labels.Shape, clear: false);
            Relabel.WithTable<uint, ulong>(local, mapping, BlockData.Folded(final).Span);
            BlockData.Write(output, region, final);
        }

    }

    private static void WriteZeros<TLabel>(ISource output, Region region)
        where TLabel : unmanaged, INumber<TLabel>
    {
        using var zeros = NdArray<TLabel>.Allocate(region.GetShapeAsInt32());
        BlockData.Write(output, region, zeros);
    }
}

/// <summary>The per-block labelling both passes of <see cref="Label"/> that read the input share.</summary>
internal static class LocalLabels
{

    /// <summary>The block's foreground (non-zero, inside <paramref name="mask"/> when given) labelled 1..<paramref name="count"/> in block raster order.</summary>
    public static NdArray<uint> Of(BlockContext block, ISource? mask, int connectivity, out long count)
    {
        var region = block.Block.Inner;
        var labels = NdArray<uint>.Allocate(region.GetShapeAsInt32(), clear: false);
        try
        {
            count = block.Inputs[0].DType.Dispatch(new Labelling(block.Inputs[0], mask, region, BlockData.Folded(labels), connectivity, block.Threads));
            return labels;
        }
        catch
        {
            labels.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Labels the block in its own element type: unsigned data without a mask goes straight to the kernel's
    /// <c>&gt; 0</c> overload (no foreground copy); signed and floating-point data (non-zero, e.g. −1, is foreground) and
    /// masked blocks build a foreground first.
    /// </summary>
    private sealed class Labelling(ISource input, ISource? mask, Region region, Memory3D<uint> labels, int connectivity, int threads) : IDTypeFunc<long>
    {
        public long Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var data = BlockData.Read<T>(input, region);
            if (mask is null && !input.DType.IsSigned() && !input.DType.IsFloatingPoint())
            {
                return ConnectedComponents.Label(BlockData.Folded(data).Span, T.Zero, labels.Span, connectivity, degreeOfParallelism: threads);
            }

            var inside = mask is null ? null : MaskFlags.Read(mask, region);
            using var foreground = NdArray<bool>.Allocate(region.GetShapeAsInt32(), clear: false);
            var values = data.Span;
            var flags = foreground.Span;
            for (int i = 0; i < flags.Length; i++)
            {
                flags[i] = values[i] != T.Zero && (inside is null || inside[i]);
            }

            return ConnectedComponents.Label(BlockData.Folded(foreground).Span, labels.Span, connectivity, degreeOfParallelism: threads);
        }
    }
}
