namespace BioImage.Throughput.Ops;

/// <summary>Every op the harness knows, in table order; <c>bench/peers.py</c> has a peer under each name.</summary>
internal static class OpRegistry
{
    public static IReadOnlyList<ThroughputOp> All { get; } =
    [
        new MinMaxOp(),
        new MomentsOp(),
        new ThresholdOp(),
        new CopyRegionOp(),
        new LabelOp(connectivity: 1),
        new LabelOp(connectivity: 3),
        new EdtOp(),
        new WatershedOp(),
        new RelabelConsecutiveOp("relabel-consecutive"),
        new RelabelConsecutiveOp("relabel-sequential"),
        new UniqueOp(),
        new MorphologyOp("morphology-1k", objects: 1000),
        new MorphologyOp("morphology-100k", objects: 100_000),
        .. EvaluationOp.All,
        new DiceOp(),
        new NpyReadOp(),
        new NpyWriteOp(),
        .. ZarrOp.All(),
        .. FilterOp.All,
        .. DownsampleOp.All,
        .. PoolOp.All,
        new ByteShuffleOp(),
        new LocalMaximaOp(),
        .. ElementwiseOp.All,
    ];

    /// <summary>Every (op, dtype) case the harness runs, with its id <c>op/dtype</c> (the gate's kernel ids), in table order.</summary>
    public static IReadOnlyList<(string Id, ThroughputOp Op, DType DType)> Cases { get; } =
        [.. All.SelectMany(op => op.DTypes.Select(dtype => ($"{op.Name}/{dtype.NumpyName()}", op, dtype)))];

    /// <summary>The ops named in <paramref name="names"/> (all when empty); an unknown name throws, listing the known ones.</summary>
    public static IReadOnlyList<ThroughputOp> Select(IReadOnlyCollection<string> names)
    {
        var unknown = names.Where(n => All.All(op => op.Name != n)).ToList();
        return unknown.Count > 0
            ? throw new ArgumentException($"Unknown op(s) {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(op => op.Name))}.", nameof(names))
            : [.. All.Where(op => names.Count == 0 || names.Contains(op.Name))];
    }
}
