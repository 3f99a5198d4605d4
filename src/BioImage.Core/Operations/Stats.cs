using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>stats</c>: block-wise statistics of a volume — bioimage-py's min, max, min_and_max, mean, std and mean_and_std
/// (population standard deviation) and, optionally, <c>numpy.histogram</c>'s counts: every block reduces to
/// <see cref="Moments"/> (plus exact integer extremes and its bin counts), and blocks merge with the parallel-variance
/// update in block-id order, so the result does not depend on the backend or the number of workers.
/// </summary>
/// <remarks>
/// A histogram of <see cref="HistogramBins"/> equal bins without <see cref="HistogramRange"/> needs the volume's
/// minimum and maximum first, so it runs two passes (moments, then histogram) over the same blocks; with a range or
/// <see cref="BinEdges"/> one pass does both. Bins follow <see cref="Kernels.HistogramBins"/>: exactly numpy's
/// edges and bin assignment (float32 edges for float32 data), the last bin closed, values outside ignored.
/// </remarks>
public sealed class Stats : Operation<StatsResult>
{
    /// <summary>Also count the values in this many equal bins (<c>np.histogram(x, bins)</c>); null for no histogram.</summary>
    public int? HistogramBins { get; set; }

    /// <summary>The range of the equal bins, [low, high] (<c>np.histogram</c>'s <c>range</c>); null for the data's minimum and maximum.</summary>
    public double[]? HistogramRange { get; set; }

    /// <summary>Count the values between these edges instead (<c>np.histogram(x, bins=edges)</c>).</summary>
    public double[]? BinEdges { get; set; }

    /// <inheritdoc />
    public override string Name => "stats";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => NeedsRange ? ["moments", "histogram"] : ["blocks"];

    /// <summary>Both passes read the same blocks, so a subset of blocks is a well-defined run.</summary>
    public override bool RunsBlockSubsets => true;

    private bool NeedsRange => HistogramBins is not null && HistogramRange is null;

    /// <summary>The moments of every voxel of a source (inside the mask), block-wise on any backend (bioimage-py's mean_and_std / min_and_max).</summary>
    /// <exception cref="DataConditionException">No voxel was processed (empty input, or a mask without foreground).</exception>
    public static Moments Compute(ISource input, RunOptions options) => Executor.Compute(new Stats(), [input], [], options).Moments;

    /// <summary>The moments of every voxel of an in-memory array (rank 1–3), block-wise on local threads.</summary>
    /// <param name="input">The volume.</param>
    /// <param name="blockShape">Block extents, one per axis; empty processes the volume as one block.</param>
    /// <param name="workers">Threads to use (≥ 1).</param>
    public static Moments Compute<T>(NdArray<T> input, ReadOnlySpan<long> blockShape, int workers)
        where T : unmanaged, INumber<T> =>
        Compute(new ArraySource<T>(input), new RunOptions { BlockShape = blockShape.IsEmpty ? null : blockShape.ToArray(), Workers = workers });

    /// <summary>bioimage-py's <c>stats.min</c>.</summary>
    public static double Min(ISource input, RunOptions options) => Compute(input, options).Min;

    /// <summary>bioimage-py's <c>stats.max</c>.</summary>
    public static double Max(ISource input, RunOptions options) => Compute(input, options).Max;

    /// <summary>bioimage-py's <c>stats.min_and_max</c>.</summary>
    public static (double Min, double Max) MinAndMax(ISource input, RunOptions options)
    {
        var moments = Compute(input, options);
        return (moments.Min, moments.Max);
    }

    /// <summary>bioimage-py's <c>stats.mean</c>.</summary>
    public static double Mean(ISource input, RunOptions options) => Compute(input, options).Mean;

    /// <summary>bioimage-py's <c>stats.std</c> (population, ddof = 0).</summary>
    public static double Std(ISource input, RunOptions options) => Compute(input, options).StandardDeviation;

    /// <summary>bioimage-py's <c>stats.mean_and_std</c>.</summary>
    public static (double Mean, double Std) MeanAndStd(ISource input, RunOptions options)
    {
        var moments = Compute(input, options);
        return (moments.Mean, moments.StandardDeviation);
    }

    /// <summary><c>np.histogram(input, bins, range)</c> block-wise: the counts and the bin edges, with the moments.</summary>
    public static StatsResult Histogram(ISource input, RunOptions options, int bins, double[]? range = null) =>
        Executor.Compute(new Stats { HistogramBins = bins, HistogramRange = range }, [input], [], options);

    /// <summary><c>np.histogram(input, bins=edges)</c> block-wise: the counts and the bin edges, with the moments.</summary>
    public static StatsResult Histogram(ISource input, RunOptions options, double[] edges) =>
        Executor.Compute(new Stats { BinEdges = edges }, [input], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        if (BinEdges is not null && (HistogramBins is not null || HistogramRange is not null))
        {
            throw new ArgumentException("Bin edges exclude a bin count and a range: pass either --bin-edges or --histogram BINS [--range LOW,HIGH].");
        }

        if (HistogramRange is not null && HistogramBins is null)
        {
            throw new ArgumentException("A histogram range (--range) needs a bin count (--histogram BINS).");
        }

        if (HistogramBins < 1)
        {
            throw new ArgumentException($"The histogram needs a positive number of bins (--histogram BINS); got {HistogramBins}.");
        }

        if (HistogramRange is { } range && (range.Length != 2 || !double.IsFinite(range[0]) || !double.IsFinite(range[1]) || range[0] > range[1]))
        {
            throw new ArgumentException($"The histogram range (--range LOW,HIGH) needs two finite values with LOW ≤ HIGH; got [{string.Join(", ", range)}].");
        }

        if (BinEdges is { } edges && (edges.Length < 2 || edges.Any(double.IsNaN) || edges.Zip(edges.Skip(1)).Any(pair => pair.First > pair.Second)))
        {
            throw new ArgumentException($"The bin edges (--bin-edges) need at least two values, increasing monotonically, none NaN; got [{string.Join(", ", edges)}].");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override StatsResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var dtype = run.Inputs[0].DType;
        var bins = NeedsRange ? null : Bins(dtype, first: 0, last: 0, width: null);
        var total = Merge(run.Reduce(new StatsOperation { Bins = bins }, run.Inputs));
        if (total.Moments.Count == 0)
        {
            throw new DataConditionException("No values within the input (or within the mask); cannot compute statistics.");
        }

        if (NeedsRange)
        {
            var (min, max) = (total.Moments.Min, total.Moments.Max);
            if (!double.IsFinite(min) || !double.IsFinite(max))
            {
                throw new DataConditionException(string.Create(CultureInfo.InvariantCulture, $"The histogram's range [{min}, {max}] (the data's minimum and maximum) is not finite, as numpy refuses it; give --range LOW,HIGH or --bin-edges."));
            }

            double? width = total.IntegerMin is { } low && total.IntegerMax is { } high ? (double)((Int128)high - (Int128)low) : null;
            bins = Bins(dtype, min, max, width);
            var counts = Merge(run.Reduce(new StatsOperation { Bins = bins, HistogramOnly = true }, run.Inputs));
            total = total with { Histogram = counts.Histogram };
        }

        return bins is null ? total : total with { BinEdges = bins.Edges };
    }

    /// <summary>The bins asked for (over [first, last] when no range is given); null for no histogram.</summary>
    private HistogramBins? Bins(DType dtype, double first, double last, double? width)
    {
        bool single = dtype == DType.Float32;
        if (BinEdges is { } edges)
        {
            return Kernels.HistogramBins.FromEdges(edges);
        }

        if (HistogramBins is not { } count)
        {
            return null;
        }

        return HistogramRange is { } range
            ? Kernels.HistogramBins.Uniform(count, range[0], range[1], single)
            : Kernels.HistogramBins.Uniform(count, first, last, single, width);
    }

    private static StatsResult Merge(IReadOnlyList<BlockResult<StatsResult>> blocks) =>
        blocks.Aggregate(StatsResult.Empty, (sum, block) => sum.Merge(block.Value));

    /// <inheritdoc />
    public override JsonObject Fields(StatsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fields = new JsonObject
        {
            ["count"] = result.Moments.Count,
            ["min"] = result.IntegerMin is { } min ? JsonValue.Create(min) : Number(result.Moments.Min),
            ["max"] = result.IntegerMax is { } max ? JsonValue.Create(max) : Number(result.Moments.Max),
            ["mean"] = Number(result.Moments.Mean),
            ["std"] = Number(result.Moments.StandardDeviation),
        };
        if (result.Histogram is { } histogram)
        {
            fields["histogram"] = CoreJson.Node(histogram);
            fields["binEdges"] = CoreJson.Node(result.BinEdges, OperationOutcome.Json);
        }

        return fields;
    }

    /// <summary>A number for the report; NaN and ±∞ (NaN data) as numpy's names.</summary>
    private static JsonNode? Number(double value) => CoreJson.Node(value, OperationOutcome.Json);

    /// <inheritdoc />
    public override string Describe(StatsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var moments = result.Moments;
        string min = result.IntegerMin?.ToString(CultureInfo.InvariantCulture) ?? moments.Min.ToString("G9", CultureInfo.InvariantCulture);
        string max = result.IntegerMax?.ToString(CultureInfo.InvariantCulture) ?? moments.Max.ToString("G9", CultureInfo.InvariantCulture);
        string line = string.Create(CultureInfo.InvariantCulture, $"count {moments.Count}  min {min}  max {max}  mean {moments.Mean:G9}  std {moments.StandardDeviation:G9}");
        if (result.Histogram is not { } histogram || result.BinEdges is not { } edges)
        {
            return line;
        }

        return line + string.Concat(histogram.Select((count, i) => string.Create(
            CultureInfo.InvariantCulture, $"\n{(i == 0 ? "histogram " : "          ")}[{edges[i]:R}, {edges[i + 1]:R}{(i == histogram.Length - 1 ? "]" : ")")}\t{count}")));
    }
}

/// <summary>
/// The result of <see cref="Stats"/> (and of each of its blocks): the moments, the exact extremes of integer data,
/// and the histogram's counts and edges when one was asked for.
/// </summary>
/// <param name="Moments">Count, min, max, mean and M2 of the values.</param>
public sealed record StatsResult(Moments Moments)
{
    /// <summary>No values: the identity of <see cref="Merge"/>.</summary>
    public static StatsResult Empty { get; } = new(Moments.Empty);

    /// <summary>Integer (and bool) data: the exact minimum (the moments hold it as a double, rounded above 2^53).</summary>
    public decimal? IntegerMin { get; init; }

    /// <summary>Integer (and bool) data: the exact maximum.</summary>
    public decimal? IntegerMax { get; init; }

    /// <summary>The count of each bin, or null without a histogram.</summary>
    public long[]? Histogram { get; init; }

    /// <summary>The bin edges (one more than the bins; float32 values for float32 data), or null without a histogram.</summary>
    public double[]? BinEdges { get; init; }

    /// <summary>The result of both value sets: moments merged, extremes compared, counts added.</summary>
    public StatsResult Merge(StatsResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new StatsResult(Moments.Merge(other.Moments))
        {
            IntegerMin = Extreme(IntegerMin, other.IntegerMin, Math.Min),
            IntegerMax = Extreme(IntegerMax, other.IntegerMax, Math.Max),
            Histogram = Histogram is null ? other.Histogram : other.Histogram is null ? Histogram : [.. Histogram.Zip(other.Histogram, (a, b) => a + b)],
            BinEdges = BinEdges ?? other.BinEdges,
        };
    }

    private static decimal? Extreme(decimal? a, decimal? b, Func<decimal, decimal, decimal> pick) =>
        a is { } x ? (b is { } y ? pick(x, y) : x) : b;
}

/// <summary>
/// Block step of <see cref="Stats"/>: the <see cref="Moments"/> of the block's voxels (inside the mask, when given),
/// the exact extremes of integer data and, with <see cref="Bins"/>, the block's bin counts.
/// </summary>
public sealed class StatsOperation : ReduceOperation<StatsResult>
{
    /// <summary>Also count the values in these bins.</summary>
    public HistogramBins? Bins { get; set; }

    /// <summary>Only the bin counts (the moments came from an earlier pass).</summary>
    public bool HistogramOnly { get; set; }

    /// <inheritdoc />
    public override StatsResult Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new BlockStats(this, block));
    }

    private sealed class BlockStats(StatsOperation step, BlockContext block) : IDTypeFunc<StatsResult>
    {
        public StatsResult Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            using var data = BlockData.Read<T>(block.Inputs[0], region);
            int kept = block.Mask is null ? data.Length : MaskFlags.Compact(data.Span, MaskFlags.Read(block.Mask, region));
            ReadOnlySpan<T> values = data.Span[..kept];
            long[]? histogram = null;
            if (step.Bins is { } bins)
            {
                histogram = new long[bins.Count];
                Histogram.Add(values, bins, histogram);
            }

            if (step.HistogramOnly)
            {
                return StatsResult.Empty with { Histogram = histogram };
            }

            var result = new StatsResult(Moments.Of(values)) { Histogram = histogram };
            if (kept == 0 || !(block.Inputs[0].DType.IsInteger() || block.Inputs[0].DType == DType.Bool))
            {
                return result;
            }

            var (min, max) = Moments.MinMax(values);
            return result with { IntegerMin = decimal.CreateTruncating(min), IntegerMax = decimal.CreateTruncating(max) };
        }
    }
}
