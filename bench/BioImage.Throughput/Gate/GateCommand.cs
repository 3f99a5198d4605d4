using BioImage.Throughput.Ops;

namespace BioImage.Throughput.Gate;

/// <summary>
/// <c>gate</c>, the performance regression gate (<c>bench/gate.sh</c>, run by <c>scripts/test.sh</c>): every kernel
/// (op × dtype) runs single-threaded on a mid-size sample volume, interleaved with a memory copy of its input in
/// the same process; its figure is copy time ÷ kernel time (best of several samples each, after a warm-up, on the
/// thread's CPU clock so that waiting for a core does not count), which cancels most of the machine's speed and load. A kernel fails when its figure is below its baseline by more than
/// <see cref="GateCheck.Tolerance"/> in <see cref="Attempts"/> measurements in a row.
/// </summary>
internal static class GateCommand
{
    /// <summary>Measurements a kernel gets before it fails: a passing one ends the kernel's check.</summary>
    public const int Attempts = 3;

    /// <summary>Measurements of each kernel that <c>--update-baseline</c> takes the median of.</summary>
    public const int BaselinePasses = 3;

    /// <summary>How many times slower <c>--slow-kernel</c> makes its kernel.</summary>
    public const int SlowdownFactor = 3;

    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinimumSample = TimeSpan.FromMilliseconds(10);

    public sealed record Options(string BaselinePath, bool UpdateBaseline, IReadOnlyList<string> Only, string? SlowKernel, int[] Shape, int Samples);

    /// <summary>Every kernel id the gate knows, <c>op/dtype</c>, in registry order.</summary>
    public static IReadOnlyList<(string Id, ThroughputOp Op, DType DType)> Kernels { get; } =
        [.. OpRegistry.All.SelectMany(op => op.DTypes.Select(dtype => ($"{op.Name}/{dtype.NumpyName()}", op, dtype)))];

    public static int Run(Options options, TextWriter output)
    {
        var unknown = options.Only.Append(options.SlowKernel).OfType<string>().Where(id => Kernels.All(k => k.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown kernel(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Kernels.Select(k => k.Id))}.");
        }

        var selected = Kernels.Where(k => options.Only.Count == 0 || options.Only.Contains(k.Id)).ToList();
        var folder = Directory.CreateTempSubdirectory("bioimage-gate-");
        try
        {
            using var workspace = new Workspace(folder.FullName, options.Shape, selected.Select(k => k.DType));
            output.WriteLine($"gate: {selected.Count} kernel(s) on {string.Join('x', options.Shape)}, 1 thread, figure = memory copy time of the input ÷ kernel time (best of {options.Samples} samples); {Machine.Current.Cpu}, {Machine.Current.Cores} cores");
            return options.UpdateBaseline
                ? UpdateBaseline(workspace, selected, options, output)
                : Check(workspace, selected, options, output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static int UpdateBaseline(Workspace workspace, List<(string Id, ThroughputOp Op, DType DType)> kernels, Options options, TextWriter output)
    {
        var figures = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var kernel in kernels)
        {
            double figure = Timing.Median(Enumerable.Range(0, BaselinePasses).Select(_ => Measure(workspace, kernel, options)));
            figures[kernel.Id] = Math.Round(figure, 4);
            output.WriteLine($"baseline {kernel.Id}: {figure:F3} × copy");
        }

        new Baseline(Machine.Current, options.Shape, figures).Save(options.BaselinePath);
        output.WriteLine($"wrote {options.BaselinePath}: review and commit it.");
        return 0;
    }

    private static int Check(Workspace workspace, List<(string Id, ThroughputOp Op, DType DType)> kernels, Options options, TextWriter output)
    {
        var baseline = Baseline.Load(options.BaselinePath);
        if (!baseline.Shape.SequenceEqual(options.Shape))
        {
            throw new ArgumentException($"{options.BaselinePath} was measured on {string.Join('x', baseline.Shape)}, not {string.Join('x', options.Shape)}; use that shape or update the baseline.");
        }

        var verdicts = new List<Verdict>();
        foreach (var kernel in kernels)
        {
            Verdict verdict;
            int attempt = 0;
            do
            {
                double? reference = baseline.Kernels.TryGetValue(kernel.Id, out double value) ? value : null;
                verdict = GateCheck.Check(kernel.Id, Measure(workspace, kernel, options), reference);
            }
            while (!verdict.Passed && ++attempt < Attempts && baseline.Kernels.ContainsKey(kernel.Id));

            output.WriteLine(verdict.Line);
            verdicts.Add(verdict);
        }

        if (options.Only.Count == 0)
        {
            foreach (string stale in baseline.Kernels.Keys.Where(id => Kernels.All(k => k.Id != id)))
            {
                verdicts.Add(new Verdict(stale, false, $"FAIL {stale}: bench/baseline.json has a figure for it, but no such kernel exists; run bench/gate.sh --update-baseline and commit bench/baseline.json."));
                output.WriteLine(verdicts[^1].Line);
            }
        }

        int failed = verdicts.Count(v => !v.Passed);
        output.WriteLine($"gate: {verdicts.Count - failed} kernel(s) within {GateCheck.Tolerance * 100:0} % of the baseline, {failed} slower or unmatched.");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One figure for <paramref name="kernel"/>: best copy time ÷ best kernel time, samples interleaved.</summary>
    private static double Measure(Workspace workspace, (string Id, ThroughputOp Op, DType DType) kernel, Options options)
    {
        var prepared = workspace.Prepare(kernel.Op, kernel.DType);
        using IPreparedOp op = kernel.Id == options.SlowKernel ? new SlowedRun(prepared, SlowdownFactor) : prepared;
        using var copy = new MemoryCopy(checked((int)(workspace.Shape.Aggregate(1L, (n, e) => n * e) * kernel.DType.ItemSize())));
        int opRuns = Timing.RunsPerSample(Timing.WarmUp(op, 1, WarmUp), MinimumSample);
        int copyRuns = Timing.RunsPerSample(Timing.WarmUp(copy, 1, WarmUp / 4), MinimumSample);
        double bestOp = double.MaxValue, bestCopy = double.MaxValue;
        for (int sample = 0; sample < options.Samples; sample++)
        {
            bestOp = Math.Min(bestOp, Timing.CpuTime(op, opRuns));
            bestCopy = Math.Min(bestCopy, Timing.CpuTime(copy, copyRuns));
        }

        return bestCopy / bestOp;
    }
}
