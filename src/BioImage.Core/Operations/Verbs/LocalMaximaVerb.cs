using System.Globalization;
using System.Text.Json.Nodes;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>local-maxima</c> (bioimage-py's find_local_maxima): the peaks of a 2D or 3D volume block-wise with the halo
/// <c>min_distance + 8</c> (<see cref="LocalMaximaOperation"/>, skimage's <c>peak_local_max</c> per block), as a table
/// of global coordinates in block order — printed, in the JSON report, and optionally written as CSV with the axis
/// names bioimage-py's tables use (<c>z,y,x</c> or <c>y,x</c>).
/// </summary>
/// <remarks>
/// As in bioimage-py the default absolute threshold (the minimum) and the relative threshold are taken per outer
/// block; <see cref="GlobalThresholds"/> resolves them over the whole volume first (one statistics pass, the same
/// blocks), which gives the whole-volume peaks wherever the spacing is decided inside the halo. No mask, as bioimage-py.
/// </remarks>
public sealed class LocalMaximaVerb : Operation<LocalMaximaResult>
{
    /// <summary>min_distance, threshold_abs, threshold_rel and exclude_border.</summary>
    public LocalMaximaOperation Peaks { get; set; } = new();

    /// <summary>Resolve the default absolute and the relative threshold over the whole volume instead of per block.</summary>
    public bool GlobalThresholds { get; set; }

    /// <summary>Also write the table to this CSV file (replaced if it exists).</summary>
    public string? Csv { get; set; }

    /// <inheritdoc />
    public override string Name => "local-maxima";

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ResolvesThresholds ? ["thresholds", "peaks"] : ["blocks"];

    /// <summary>Both passes read the same blocks, so a subset of blocks is a well-defined run.</summary>
    public override bool RunsBlockSubsets => true;

    private bool ResolvesThresholds => GlobalThresholds && (Peaks.ThresholdAbs is null || Peaks.ThresholdRel is not null);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        _ = Peaks.GetHalo(inputs[0].Shape.Count);
        ObjectTables.RequireWritableFolder(Csv, "--csv");
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override LocalMaximaResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        int rank = run.Inputs[0].Shape.Count;
        var step = Peaks;
        if (ResolvesThresholds)
        {
            var moments = run.Reduce(new StatsOperation(), run.Inputs).Aggregate(StatsResult.Empty, (sum, block) => sum.Merge(block.Value)).Moments;
            double threshold = Peaks.ThresholdAbs ?? moments.Min;
            step = new LocalMaximaOperation
            {
                MinDistance = Peaks.MinDistance,
                ThresholdAbs = Peaks.ThresholdRel is { } relative ? Math.Max(threshold, relative * moments.Max) : threshold,
                ExcludeBorder = Peaks.ExcludeBorder,
            };
        }

        var blocks = run.Reduce(step, run.Inputs);
        var peaks = new long[blocks.Sum(b => b.Value.Length) / rank, rank];
        int row = 0;
        foreach (var block in blocks)
        {
            for (int i = 0; i < block.Value.Length; i += rank, row++)
            {
                for (int axis = 0; axis < rank; axis++)
                {
                    peaks[row, axis] = block.Value[i + axis];
                }
            }
        }

        var result = new LocalMaximaResult(rank == 3 ? ["z", "y", "x"] : ["y", "x"], peaks);
        if (Csv is not null)
        {
            File.WriteAllText(Csv, result.ToCsv());
        }

        return result;
    }

    /// <inheritdoc />
    public override JsonObject Fields(LocalMaximaResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["count"] = result.Count,
            ["columns"] = new JsonArray([.. result.Columns.Select(c => (JsonNode)c)]),
            ["peaks"] = new JsonArray([.. Enumerable.Range(0, result.Count).Select(i => (JsonNode)new JsonArray([.. result.Row(i).Select(v => (JsonNode)v)]))]),
            ["csv"] = Csv,
        };
    }

    /// <inheritdoc />
    public override string Describe(LocalMaximaResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"{result.Count} peaks (min distance {Peaks.MinDistance}){(Csv is null ? string.Empty : " → " + Csv)}");
    }
}

/// <summary>Peak coordinates: one row per peak, one column per axis.</summary>
/// <param name="Columns">The axis names, as bioimage-py's tables name them (<c>z, y, x</c> or <c>y, x</c>).</param>
/// <param name="Peaks">The global coordinates, (count, rank).</param>
public sealed record LocalMaximaResult(IReadOnlyList<string> Columns, long[,] Peaks)
{
    /// <summary>The number of peaks.</summary>
    public int Count => Peaks.GetLength(0);

    /// <summary>The coordinates of peak <paramref name="index"/>.</summary>
    public IEnumerable<long> Row(int index) => Enumerable.Range(0, Peaks.GetLength(1)).Select(axis => Peaks[index, axis]);

    /// <summary>The table as CSV: a header of the column names, one line per peak.</summary>
    public string ToCsv() => ObjectTables.FormatCsv(Columns, Enumerable.Range(0, Count).Select(i => Row(i).Select(v => v.ToString(CultureInfo.InvariantCulture))));
}
