using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>morphology</c>: per-label size, centre of mass and bounding box of a label volume — bioimage-py's
/// <c>morphology.morphology</c>. Every block measures its labels with <see cref="LabelMorphology"/> (voxels outside
/// the mask count as background) and returns a table proportional to its labels; the calling process merges the
/// tables exactly (sizes and coordinate sums added as integers — <see cref="UInt128"/> — boxes united). Memory is
/// proportional to the number of labels, never to the voxels; the result is the same for any block shape, backend
/// and worker count. With block ids the table covers those blocks only, as bioimage-py's.
/// </summary>
public sealed class Morphology : Operation<MorphologyTable>
{
    /// <summary>Also write the table as CSV to this path (bioimage-py's column names); null writes none.</summary>
    public string? Csv { get; set; }

    /// <inheritdoc />
    public override string Name => "morphology";

    /// <summary>The morphology table of <paramref name="input"/> (an integer label volume, rank 1–3).</summary>
    /// <exception cref="OperationRefusedException">The input is not an integer volume of rank 1–3.</exception>
    /// <exception cref="DataConditionException">The input holds negative labels.</exception>
    public static MorphologyTable Compute(ISource input, RunOptions options) => Executor.Compute(new Morphology(), [input], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        RequireRank(inputs[0], Name);
        ObjectTables.RequireWritableFolder(Csv, "--csv");
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override MorphologyTable Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = Pass(run, run.Options);
        if (Csv is not null)
        {
            table.WriteCsv(Csv);
        }

        return table;
    }

    /// <inheritdoc />
    public override JsonObject Fields(MorphologyTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject { ["objects"] = result.Count, ["columns"] = ObjectTables.ToJson(result.Columns()) };
    }

    /// <inheritdoc />
    public override string Describe(MorphologyTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Count == 0
            ? "no objects"
            : string.Create(CultureInfo.InvariantCulture, $"{result.Count} objects, labels {result.Labels[0]} to {result.Labels[^1]}, {result.Sizes.Sum()} voxels");
    }

    /// <summary>Throws unless the input has 1 to 3 axes.</summary>
    internal static void RequireRank(ISource input, string verb)
    {
        int rank = input.Shape.Count;
        if (rank is < 1 or > 3)
        {
            throw new ArgumentException($"{verb} needs 1D to 3D labels; the input has {rank} axes.", nameof(input));
        }
    }

    /// <summary>The table of <paramref name="input"/> (default: the run's first input) as one reduce pass of <paramref name="run"/> with <paramref name="options"/>.</summary>
    internal static MorphologyTable Pass(OperationRun run, RunOptions options, ISource? input = null)
    {
        input ??= run.Inputs[0];

        var blocks = run.Reduce(new MorphologyStep(), [input], options: options);
        return Merge(input.Shape.Count, input.DType.IsSigned(), blocks.Select(b => b.Value));
    }

    /// <summary>Unites the block tables: sizes and global coordinate sums added exactly, boxes united, rows sorted by label.</summary>
    /// <exception cref="DataConditionException">A block holds a negative label.</exception>
    private static MorphologyTable Merge(int rank, bool signed, IEnumerable<MorphologyBlock> blocks)
    {
        var rows = new Dictionary<ulong, MergedRow>();
        foreach (var block in blocks)
        {
            for (int i = 0; i < block.Labels.Length; i++)
            {
                ulong label = (ulong)block.Labels[i];
                if (signed && block.Labels[i] < 0)
                {
                    throw new DataConditionException(string.Create(CultureInfo.InvariantCulture, $"morphology needs labels ≥ 0 (0 is background); the input holds {block.Labels[i]}."));
                }

                if (!rows.TryGetValue(label, out var row))
                {
                    rows[label] = row = new MergedRow();
                }

                row.Add(block, i);
            }
        }

        var labels = rows.Keys.ToArray();
        Array.Sort(labels);
        int skip = 3 - rank;
        var sums = new UInt128[rank][];
        var min = new long[rank][];
        var max = new long[rank][];
        for (int a = 0; a < rank; a++)
        {
            sums[a] = [.. labels.Select(l => rows[l].Sums[a + skip])];
            min[a] = [.. labels.Select(l => rows[l].Min[a + skip])];
            max[a] = [.. labels.Select(l => rows[l].Max[a + skip] + 1)];
        }

        return new MorphologyTable(rank, labels, [.. labels.Select(l => rows[l].Size)], sums, min, max);
    }

    /// <summary>One label's statistics over the blocks merged so far, in global (z, y, x) coordinates.</summary>
    private sealed class MergedRow
    {
        public long Size { get; private set; }

        public UInt128[] Sums { get; } = new UInt128[3];

        public long[] Min { get; } = [long.MaxValue, long.MaxValue, long.MaxValue];

        public long[] Max { get; } = [long.MinValue, long.MinValue, long.MinValue];

        public void Add(MorphologyBlock block, int i)
        {
            long count = block.Sizes[i];
            Size += count;
            for (int a = 0; a < 3; a++)
            {
                // Σ (begin + local) = Σ local + count · begin, exact in 128 bits.
                Sums[a] += (UInt128)(ulong)block.Sums[(3 * i) + a] + ((UInt128)(ulong)count * (ulong)block.Begin[a]);
                Min[a] = Math.Min(Min[a], block.Begin[a] + block.Bounds[(6 * i) + a]);
                Max[a] = Math.Max(Max[a], block.Begin[a] + block.Bounds[(6 * i) + 3 + a]);
            }
        }
    }
}

/// <summary>
/// Block step of <see cref="Morphology"/>: the block's labels (inside the mask) with their sizes, block-local
/// coordinate sums and inclusive boxes (<see cref="LabelMorphology"/>).
/// </summary>
public sealed class MorphologyStep : ReduceOperation<MorphologyBlock>
{
    /// <inheritdoc />
    public override MorphologyBlock Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.DispatchInteger(new BlockTable(block, block.Threads), "morphology's input");
    }

    private sealed class BlockTable(BlockContext block, int threads) : IIntegerDTypeFunc<MorphologyBlock>
    {
        public MorphologyBlock Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var region = block.Block.Inner;
            using var data = BlockData.Read<T>(block.Inputs[0], region);
            if (block.Mask is not null)
            {
                var inside = MaskFlags.Read(block.Mask, region);
                var span = data.Span;
                for (int i = 0; i < inside.Length; i++)
                {
                    span[i] = inside[i] ? span[i] : T.Zero;
                }
            }

            var (labels, regions) = LabelMorphology.Measure<T>(BlockData.Folded(data).Span, threads);
            var begin = BlockData.Pad(region.Begin);
            var sums = new long[3 * labels.Length];
            var bounds = new long[6 * labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                var r = regions[i];
                (sums[3 * i], sums[(3 * i) + 1], sums[(3 * i) + 2]) = (r.SumZ, r.SumY, r.SumX);
                (bounds[6 * i], bounds[(6 * i) + 1], bounds[(6 * i) + 2]) = (r.MinZ, r.MinY, r.MinX);
                (bounds[(6 * i) + 3], bounds[(6 * i) + 4], bounds[(6 * i) + 5]) = (r.MaxZ, r.MaxY, r.MaxX);
            }

            return new MorphologyBlock(
                [begin.Z, begin.Y, begin.X],
                [.. labels.Select(long.CreateTruncating)],
                [.. regions.Select(r => r.Count)],
                sums,
                bounds);
        }
    }
}

/// <summary>One block's table, in (z, y, x) with missing leading axes as 0.</summary>
/// <param name="Begin">The block's global begin.</param>
/// <param name="Labels">Its sorted nonzero labels as 64-bit two's-complement patterns (exact for every integer dtype).</param>
/// <param name="Sizes">Voxels per label.</param>
/// <param name="Sums">Per label, Σz, Σy, Σx of block-local coordinates.</param>
/// <param name="Bounds">Per label, min z, y, x and max z, y, x (inclusive), block-local.</param>
public sealed record MorphologyBlock(long[] Begin, long[] Labels, long[] Sizes, long[] Sums, long[] Bounds);
