using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage evaluate SEG GT [--metrics vi,rand,cremi,matching,msa,dice,sbd,centroid] [--distance-threshold D]
/// [--table F.csv] [--object-vi F.csv]</c>: a segmentation scored against a ground truth from their block-wise
/// contingency table, and by centroid matching from their block-wise morphology (<see cref="Evaluation"/>,
/// bioimage-py's evaluation module).
/// </summary>
internal static class EvaluateCommand
{
    private static readonly string[] MetricNames = ["vi", "rand", "cremi", "matching", "msa", "dice", "sbd", "centroid"];
    private static readonly string[] Criteria = ["iou", "iot", "iop"];

    public static Command Create()
    {
        var seg = new Argument<string>("SEG") { Description = "The segmentation: integer labels." };
        var gt = new Argument<string>("GT") { Description = "The ground truth: integer labels of the same shape." };
        var segKey = new Option<string?>("--seg-key") { Description = "Dataset inside SEG.", HelpName = "K" };
        var gtKey = new Option<string?>("--gt-key") { Description = "Dataset inside GT.", HelpName = "K" };
        var metrics = new Option<string[]>("--metrics")
        {
            Description = "Metrics to compute, comma-separated: vi (split, merge), rand (adapted Rand error, Rand index), cremi, matching (precision, recall, segmentation accuracy, F1), msa (mean segmentation accuracy), dice (foreground dice of labels > 0 on both sides: 'bioimage dice' with its default thresholds 0, here from the label table), sbd (symmetric best dice), centroid (precision, recall, segmentation accuracy, F1 of matching the objects' centres of mass by distance: bioimage-py's centroid_matching; needs --distance-threshold). Default vi,rand,cremi.",
            HelpName = string.Join(',', MetricNames),
            CustomParser = ParseMetrics,
        };
        var ignoreSeg = Labels("--ignore-seg", "Segmentation labels whose voxels vi, rand and cremi leave out (bioimage-py's ignore_seg); default none.");
        var ignoreGt = Labels("--ignore-gt", "Ground-truth labels whose voxels vi, rand and cremi leave out (bioimage-py's ignore_gt); default none.");
        var ignoreLabel = new Option<string>("--ignore-label")
        {
            Description = "The label matching, msa, sbd and centroid leave out on both sides (bioimage-py's ignore_label), or 'none'.",
            HelpName = "L|none",
            DefaultValueFactory = _ => "0",
        };
        var threshold = new Option<double>("--threshold") { Description = "matching: a pair of objects matches when its score is at least this.", HelpName = "T", DefaultValueFactory = _ => 0.5 };
        var criterion = new Option<string>("--criterion")
        {
            Description = "matching: iou, iot (overlap / segmentation object size) or iop (overlap / ground-truth object size), as bioimage-py names them.",
            HelpName = "iou|iot|iop",
            DefaultValueFactory = _ => "iou",
        };
        criterion.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !Criteria.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"--criterion: '{value}' is not available; expected one of: iou, iot, iop.");
            }
        });
        var naturalLog = new Option<bool>("--natural-log") { Description = "vi and cremi in nats instead of bits (bioimage-py's use_log2=False)." };
        var distanceThreshold = new Option<double?>("--distance-threshold") { Description = "centroid: two centres of mass match when their distance (in voxels, or in the units of --resolution) is at most D; required with centroid.", HelpName = "D" };
        var tableCsv = new Option<string?>("--table") { Description = "Write the contingency table as CSV: label_a (SEG), label_b (GT), count — every overlapping pair, background kept, nothing ignored, sorted by label_a then label_b, labels as uint64 (bioimage-py's overlap table).", HelpName = "F" };
        var objectVi = new Option<string?>("--object-vi") { Description = "Write the VI of each ground-truth object as CSV: label, vi_split, vi_merge (bioimage-py's object_vi; vi_merge = H(seg | gt = label), how the object is fragmented, as bioimage-py names it), without the --ignore-seg/--ignore-gt voxels, in bits unless --natural-log.", HelpName = "F" };
        var resolution = CommonOptions.NumberList("--resolution", "centroid: the voxel size along each axis; centres are scaled by it before distances are measured (default: voxel units).");
        var command = new Command("evaluate", "Score a segmentation against a ground truth (VI, adapted Rand error, CREMI, matching, mSA, dice, symmetric best dice) from their block-wise contingency table, and by centroid matching from their block-wise morphology (bioimage-py's evaluation).")
        {
            seg, gt, segKey, gtKey, metrics, ignoreSeg, ignoreGt, ignoreLabel, threshold, criterion, naturalLog, distanceThreshold, resolution, tableCsv, objectVi,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var evaluation = new Evaluation
            {
                Metrics = parse.GetValue(metrics) is { Length: > 0 } names ? names.Aggregate(EvaluationMetrics.None, (all, name) => all | Enum.Parse<EvaluationMetrics>(name, ignoreCase: true)) : new Evaluation().Metrics,
                IgnoreSeg = parse.GetValue(ignoreSeg) ?? [],
                IgnoreGt = parse.GetValue(ignoreGt) ?? [],
                IgnoreLabel = IgnoreLabel(parse.GetRequiredValue(ignoreLabel)),
                Threshold = parse.GetValue(threshold),
                Criterion = Enum.Parse<MatchingCriterion>(parse.GetRequiredValue(criterion), ignoreCase: true),
                UseLog2 = !parse.GetValue(naturalLog),
                DistanceThreshold = parse.GetValue(distanceThreshold),
                Resolution = parse.GetValue(resolution) is { Length: > 0 } scale ? scale : null,
                TableCsv = parse.GetValue(tableCsv) is { } tablePath ? Path.GetFullPath(tablePath) : null,
                ObjectViCsv = parse.GetValue(objectVi) is { } viPath ? Path.GetFullPath(viPath) : null,
            };
            var inputs = new[] { Source.Open(parse.GetRequiredValue(seg), parse.GetValue(segKey)), Source.Open(parse.GetRequiredValue(gt), parse.GetValue(gtKey)) };
            return (evaluation, inputs, []);
        })));
        return command;
    }

    private static string[] ParseMetrics(ArgumentResult result)
    {
        var names = string.Join(',', result.Tokens.Select(t => t.Value)).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0 || names.Any(name => !MetricNames.Contains(name, StringComparer.OrdinalIgnoreCase)))
        {
            result.AddError($"--metrics: '{string.Join(',', result.Tokens.Select(t => t.Value))}' is not a comma-separated list of {string.Join(", ", MetricNames)}.");
            return [];
        }

        return names;
    }

    /// <summary>A comma-separated list of labels, signed (stored as their uint64 bit pattern, as numpy's astype(uint64)) or up to 2^64 − 1.</summary>
    private static Option<ulong[]?> Labels(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "L[,L...]",
        CustomParser = result => CommonOptions.ParseNumbers<Int128>(
            result,
            NumberStyles.AllowLeadingSign,
            value => value >= long.MinValue && value <= ulong.MaxValue,
            list => $"{name}: '{list}' is not a comma-separated list of integer labels (between -2^63 and 2^64 - 1), like 0 or 0,7.")?.Select(Bits).ToArray(),
    };

    private static ulong? IgnoreLabel(string value) =>
        value.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
        : Int128.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var label) && label >= long.MinValue && label <= ulong.MaxValue ? Bits(label)
        : throw new UsageException($"--ignore-label: '{value}' is not an integer label or 'none'.");

    private static ulong Bits(Int128 label) => label < 0 ? unchecked((ulong)(long)label) : (ulong)label;
}
