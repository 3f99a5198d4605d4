using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>The metrics <see cref="Evaluation"/> computes.</summary>
[Flags]
public enum EvaluationMetrics
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Variation of information: split and merge (<see cref="VariationOfInformation"/>).</summary>
    Vi = 1,

    /// <summary>Adapted Rand error and Rand index (<see cref="AdaptedRandError"/>, bioimage-py's convention).</summary>
    Rand = 2,

    /// <summary>CREMI score (<see cref="CremiScore"/>).</summary>
    Cremi = 4,

    /// <summary>Precision, recall, segmentation accuracy and F1 of the object matching (<see cref="ObjectMatching.Scores"/>).</summary>
    Matching = 8,

    /// <summary>Mean segmentation accuracy over the IoU thresholds 0.5, 0.55, … 0.95 (<see cref="ObjectMatching.MeanSegmentationAccuracy"/>).</summary>
    Msa = 16,

    /// <summary>Foreground dice (<see cref="DiceScore.Foreground"/>).</summary>
    Dice = 32,

    /// <summary>Symmetric best dice (<see cref="DiceScore.SymmetricBest"/>).</summary>
    Sbd = 64,

    /// <summary>Precision, recall, segmentation accuracy and F1 of matching object centres of mass by distance (<see cref="CoordinateMatching"/>, bioimage-py's <c>centroid_matching</c>).</summary>
    Centroid = 128,

    /// <summary>Every metric of the contingency table (all but <see cref="Centroid"/>, which needs a distance threshold).</summary>
    All = Vi | Rand | Cremi | Matching | Msa | Dice | Sbd,
}

/// <summary>
/// <c>evaluate</c>: a segmentation (first input) scored against a ground truth (second input) — bioimage-py's
/// <c>evaluation</c> module. One reduce pass builds the sparse contingency table block-wise
/// (<see cref="ContingencyTableOperation"/>, inside the mask when one is given), and every metric follows from it:
/// VI, adapted Rand error and Rand index and the CREMI score on the table without the pairs of
/// <see cref="IgnoreSeg"/> / <see cref="IgnoreGt"/> (bioimage-py's <c>drop_ignore</c>); matching, mean segmentation
/// accuracy and symmetric best dice without <see cref="IgnoreLabel"/>'s objects on either side (bioimage-py's
/// <c>ignore_label</c>, default 0); the foreground dice (labels &gt; 0) on the whole table. The centroid matching
/// (bioimage-py's <c>centroid_matching</c>) needs two more reduce passes, the <see cref="Morphology"/> tables of both
/// inputs: the centres of mass of their objects (label 0 never is one; <see cref="IgnoreLabel"/> removes one more) are
/// matched by distance with <see cref="CoordinateMatching"/>. The result does not depend on the block shape, backend
/// or worker count.
/// </summary>
public sealed class Evaluation : Operation<EvaluationResult>
{
    /// <summary>The metrics to compute.</summary>
    public EvaluationMetrics Metrics { get; set; } = EvaluationMetrics.Vi | EvaluationMetrics.Rand | EvaluationMetrics.Cremi;

    /// <summary>Segmentation labels whose voxels VI, Rand and CREMI leave out.</summary>
    public ulong[] IgnoreSeg { get; set; } = [];

    /// <summary>Ground-truth labels whose voxels VI, Rand and CREMI leave out.</summary>
    public ulong[] IgnoreGt { get; set; } = [];

    /// <summary>The label matching, mean segmentation accuracy and symmetric best dice leave out on both sides (null: none).</summary>
    public ulong? IgnoreLabel { get; set; } = 0;

    /// <summary>A pair of objects matches when its score is at least this.</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>How the matching scores a pair.</summary>
    public MatchingCriterion Criterion { get; set; } = MatchingCriterion.Iou;

    /// <summary>VI in bits (true) or nats.</summary>
    public bool UseLog2 { get; set; } = true;

    /// <summary>Centroid matching: two centres match when their distance (scaled by <see cref="Resolution"/>) is at most this; required for <see cref="EvaluationMetrics.Centroid"/>.</summary>
    public double? DistanceThreshold { get; set; }

    /// <summary>Centroid matching: the scale of each axis (one value per axis), or null for voxel units.</summary>
    public double[]? Resolution { get; set; }

    /// <summary>Also write the contingency table (every pair, nothing ignored) as CSV to this path: columns <c>label_a</c> (segmentation), <c>label_b</c> (ground truth), <c>count</c>, as bioimage-py's <c>overlap_table</c> names them; null writes none.</summary>
    public string? TableCsv { get; set; }

    /// <summary>Also write the object VI per ground-truth label (without the ignored voxels) as CSV to this path: columns <c>label</c>, <c>vi_split</c>, <c>vi_merge</c> (bioimage-py's <c>object_vi</c>); null writes none.</summary>
    public string? ObjectViCsv { get; set; }

    /// <inheritdoc />
    public override string Name => "evaluate";

    /// <summary>The table pass, and with the centroid matching the morphology passes of the segmentation and the ground truth.</summary>
    public override IReadOnlyList<string> Passes => WantsCentroids ? ["table", "seg centres", "gt centres"] : ["blocks"];

    /// <summary>Every pass reads the same blocks, so a subset of blocks is a well-defined run.</summary>
    public override bool RunsBlockSubsets => true;

    private bool WantsCentroids => (Metrics & EvaluationMetrics.Centroid) != 0;

    /// <summary>Scores <paramref name="seg"/> against <paramref name="gt"/> (same shape, integer dtypes) block-wise on any backend.</summary>
    /// <exception cref="OperationRefusedException">The inputs or parameters do not fit.</exception>
    public static EvaluationResult Compute(ISource seg, ISource gt, RunOptions options, Evaluation? evaluation = null) =>
        Executor.Compute(evaluation ?? new Evaluation(), [seg, gt], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 2, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        VerbInputs.RequireLabels(inputs[1], Name);
        if (Metrics == EvaluationMetrics.None || (Metrics & ~(EvaluationMetrics.All | EvaluationMetrics.Centroid)) != 0)
        {
            throw new ArgumentException($"--metrics needs one or more of vi, rand, cremi, matching, msa, dice, sbd, centroid; got {Metrics}.");
        }

        ValidateCentroidMatching(inputs[0]);
        ObjectTables.RequireWritableFolder(TableCsv, "--table");
        ObjectTables.RequireWritableFolder(ObjectViCsv, "--object-vi");

        if (!double.IsFinite(Threshold))
        {
            throw new ArgumentException($"--threshold must be a finite number; got {Threshold}.");
        }

        if (!Enum.IsDefined(Criterion))
        {
            throw new ArgumentException($"--criterion must be iou, iot or iop; got {Criterion}.");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    private void ValidateCentroidMatching(ISource seg)
    {
        if (!WantsCentroids)
        {
            if (DistanceThreshold is not null || Resolution is not null)
            {
                throw new ArgumentException("--distance-threshold and --resolution apply to the centroid matching only; add centroid to --metrics.");
            }

            return;
        }

        if (DistanceThreshold is not { } threshold || !double.IsFinite(threshold) || threshold < 0)
        {
            throw new ArgumentException($"--metrics centroid needs --distance-threshold D (a finite distance ≥ 0); got {(DistanceThreshold is { } given ? given.ToString(CultureInfo.InvariantCulture) : "none")}.");
        }

        Morphology.RequireRank(seg, Name);
        int rank = seg.Shape.Count;
        if (Resolution is { } resolution && (resolution.Length != rank || !resolution.All(value => double.IsFinite(value) && value > 0)))
        {
            throw new ArgumentException($"--resolution needs {rank} finite positive values (one per axis); got {string.Join(",", resolution.Select(value => value.ToString(CultureInfo.InvariantCulture)))}.");
        }
    }

    /// <summary>Writes the CSV tables asked for: the whole contingency table, and the object VI of the table without the ignored pairs.</summary>
    private void WriteTables(ContingencyTable table, ContingencyTable kept)
    {
        if (TableCsv is not null)
        {
            ObjectTables.WriteCsv(TableCsv, [new("label_a", table.SegLabels), new("label_b", table.GtLabels), new("count", table.Counts)]);
        }

        if (ObjectViCsv is not null)
        {
            var (labels, split, merge) = VariationOfInformation.PerObject(kept, UseLog2);
            ObjectTables.WriteCsv(ObjectViCsv, [new("label", labels), new("vi_split", split), new("vi_merge", merge)]);
        }
    }

    /// <summary>bioimage-py's <c>centroid_matching</c>: the centres of mass of both inputs' objects (without <see cref="IgnoreLabel"/>) matched by distance.</summary>
    private MatchingScores CentroidMatching(OperationRun run)
    {
        var seg = Centres(Morphology.Pass(run, run.Options, run.Inputs[0]));
        var gt = Centres(Morphology.Pass(run, run.Options, run.Inputs[1]));
        return CoordinateMatching.Scores(seg, gt, run.Inputs[0].Shape.Count, DistanceThreshold!.Value, Resolution);
    }

    /// <summary>The centres of mass of the table's objects other than <see cref="IgnoreLabel"/>, row-major (one row of coordinates per object).</summary>
    private double[] Centres(MorphologyTable table)
    {
        var rows = Enumerable.Range(0, table.Count).Where(row => table.Labels[row] != IgnoreLabel);
        return [.. rows.SelectMany(row => table.CenterOfMass.Select(axis => axis[row]))];
    }

    /// <inheritdoc />
    public override EvaluationResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = ContingencyTableOperation.Pass(run, run.Inputs[0], run.Inputs[1]);
        var kept = table.DropIgnored(IgnoreSeg, IgnoreGt);
        WriteTables(table, kept);
        bool Wants(EvaluationMetrics metric) => (Metrics & metric) != 0;
        var vi = Wants(EvaluationMetrics.Vi | EvaluationMetrics.Cremi) ? VariationOfInformation.Compute(kept, UseLog2) : default((double, double)?);
        var rand = Wants(EvaluationMetrics.Rand | EvaluationMetrics.Cremi) ? AdaptedRandError.Compute(kept) : default((double, double)?);
        return new EvaluationResult
        {
            Table = table,
            Voxels = table.Total,
            Pairs = table.Length,
            ViSplit = Wants(EvaluationMetrics.Vi) ? vi?.Item1 : null,
            ViMerge = Wants(EvaluationMetrics.Vi) ? vi?.Item2 : null,
            AdaptedRandError = Wants(EvaluationMetrics.Rand) ? rand?.Item1 : null,
            RandIndex = Wants(EvaluationMetrics.Rand) ? rand?.Item2 : null,
            CremiScore = Wants(EvaluationMetrics.Cremi) ? CremiScore.Compute(kept).Score : null,
            Matching = Wants(EvaluationMetrics.Matching) ? ObjectMatching.Scores(table, Threshold, Criterion, IgnoreLabel) : null,
            MeanSegmentationAccuracy = Wants(EvaluationMetrics.Msa) ? ObjectMatching.MeanSegmentationAccuracy(table, ignoreLabel: IgnoreLabel).Mean : null,
            Dice = Wants(EvaluationMetrics.Dice) ? DiceScore.Foreground(table, run.Inputs[0].DType.IsSigned(), run.Inputs[1].DType.IsSigned()) : null,
            SymmetricBestDice = Wants(EvaluationMetrics.Sbd) ? DiceScore.SymmetricBest(table, IgnoreLabel) : null,
            CentroidMatching = Wants(EvaluationMetrics.Centroid) ? CentroidMatching(run) : null,
        };
    }

    /// <inheritdoc />
    public override JsonObject Fields(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fields = new JsonObject { ["voxels"] = result.Voxels, ["pairs"] = result.Pairs };
        foreach (var (name, value) in result.Metrics())
        {
            fields[name] = value;
        }

        return fields;
    }

    /// <inheritdoc />
    public override string Describe(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{result.Voxels} voxels, {result.Pairs} label pairs"));
        foreach (var (name, value) in result.Metrics())
        {
            text.Append(CultureInfo.InvariantCulture, $"  {name} {value:G17}");
        }

        return text.ToString();
    }
}

/// <summary>The result of <see cref="Evaluation"/>: the contingency table and the metrics asked for (null otherwise).</summary>
public sealed record EvaluationResult
{
    /// <summary>The contingency table of all voxels counted (nothing ignored).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public required ContingencyTable Table { get; init; }

    /// <summary>The voxels counted (inside the mask).</summary>
    public long Voxels { get; init; }

    /// <summary>The overlapping (segmentation, ground truth) label pairs.</summary>
    public int Pairs { get; init; }

    /// <summary>H(seg | gt).</summary>
    public double? ViSplit { get; init; }

    /// <summary>H(gt | seg).</summary>
    public double? ViMerge { get; init; }

    /// <summary>bioimage-py's adapted Rand error.</summary>
    public double? AdaptedRandError { get; init; }

    /// <summary>bioimage-py's Rand index (self-pairs included).</summary>
    public double? RandIndex { get; init; }

    /// <summary>√(ARE · (split + merge)).</summary>
    public double? CremiScore { get; init; }

    /// <summary>Precision, recall, segmentation accuracy and F1 of the matching.</summary>
    public MatchingScores? Matching { get; init; }

    /// <summary>Mean segmentation accuracy over the IoU thresholds 0.5 … 0.95.</summary>
    public double? MeanSegmentationAccuracy { get; init; }

    /// <summary>Foreground dice.</summary>
    public double? Dice { get; init; }

    /// <summary>Symmetric best dice.</summary>
    public double? SymmetricBestDice { get; init; }

    /// <summary>Precision, recall, segmentation accuracy and F1 of the centroid matching.</summary>
    public MatchingScores? CentroidMatching { get; init; }

    /// <summary>The metrics computed, by their report names (camelCase), in a fixed order.</summary>
    public IEnumerable<(string Name, double Value)> Metrics()
    {
        (string, double?)[] all =
        [
            ("viSplit", ViSplit), ("viMerge", ViMerge), ("adaptedRandError", AdaptedRandError), ("randIndex", RandIndex), ("cremiScore", CremiScore),
            ("precision", Matching?.Precision), ("recall", Matching?.Recall), ("segmentationAccuracy", Matching?.SegmentationAccuracy), ("f1", Matching?.F1),
            ("meanSegmentationAccuracy", MeanSegmentationAccuracy), ("dice", Dice), ("symmetricBestDice", SymmetricBestDice),
            ("centroidPrecision", CentroidMatching?.Precision), ("centroidRecall", CentroidMatching?.Recall),
            ("centroidSegmentationAccuracy", CentroidMatching?.SegmentationAccuracy), ("centroidF1", CentroidMatching?.F1),
        ];
        return all.Where(m => m.Item2.HasValue).Select(m => (m.Item1, m.Item2!.Value));
    }
}
