using BioImage.Throughput.Ops;

namespace BioImage.Throughput.Gate;

/// <summary>
/// <c>gate</c>, the performance regression gate (<c>bench/gate.sh</c>, run by <c>scripts/test.sh</c>): every kernel
/// (op × dtype) runs single-threaded on a mid-size sample volume (<see cref="InputMiB"/>), alternately with two references in the same
/// process — a memory copy (two reused arrays beyond the caches) and a compute loop — all timed on the thread's CPU
/// clock (waiting for a core does not count), best of several samples after a warm-up (fewer for slow kernels:
/// <see cref="SampleBudget"/>). The figure is the kernel's
/// bytes read + written per second divided by the speed of the reference that limits it: the copy's for
/// memory-bound kernels, the loop's for compute-bound ones, as decided when the baseline was made. A kernel fails
/// when its figure is below its baseline by more than <see cref="GateCheck.Tolerance"/> in <see cref="Attempts"/>
/// measurements in a row.
/// </summary>
internal static class GateCommand
{
    /// <summary>Measurements a kernel gets before it fails: a passing one ends the kernel's check.</summary>
    public const int Attempts = 3;

    /// <summary>Measurements of each kernel that <c>--update-baseline</c> takes the median of.</summary>
    public const int BaselinePasses = 3;

    /// <summary>How many times slower <c>--slow-kernel</c> makes its kernel.</summary>
    public const int SlowdownFactor = 3;

    /// <summary>Size of each array of the copy reference: 64 MiB, far beyond the caches, so it measures memory.</summary>
    /// <remarks>A copy of in-cache size varied by up to 2× between processes (where its pages fall in the caches).</remarks>
    private const int CopyBytes = 64 << 20;

    /// <summary>Fewest samples a kernel gets, however slow (see <see cref="SampleBudget"/>).</summary>
    public const int MinimumSamples = 3;

    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinimumSample = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Kernel time one measurement may spend on its samples: a kernel slower than budget ÷ samples per run (the filters,
    /// at 1–2 s per 256³ run) gets fewer samples, at least <see cref="MinimumSamples"/>, so the gate stays within its
    /// minutes. Such kernels are compute-bound, and those vary by about ±2 % between samples: the best of three is as good.
    /// </summary>
    private static readonly TimeSpan SampleBudget = TimeSpan.FromSeconds(3);

    /// <summary>Size of every kernel's input: 64 MiB, twice the last-level cache, whatever the element type.</summary>
    /// <remarks>
    /// With 256³ for every type, the 16 MiB uint8 inputs ran partly from the shared L3 cache and lost up to 40 % of
    /// their figure whenever other processes used it; at 64 MiB memory-bound kernels stream from memory, as the copy
    /// reference does, and stay within about ±20 %.
    /// </remarks>
    public const int InputMiB = 64;

    public sealed record Options(string BaselinePath, bool UpdateBaseline, IReadOnlyList<string> Only, string? SlowKernel, int Samples);

    /// <summary>Every kernel the gate checks (the gated ops × their dtypes), in registry order.</summary>
    public static IReadOnlyList<(string Id, ThroughputOp Op, DType DType)> Kernels { get; } = [.. OpRegistry.Cases.Where(c => c.Op.IsGated && c.Op.GatedDTypes.Contains(c.DType))];

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
            var workspaces = selected.Select(k => k.DType).Distinct().ToDictionary(dtype => dtype, dtype => new Workspace(folder.FullName, InputShape(dtype), [dtype]));
            output.WriteLine($"gate: {selected.Count} kernel(s) on {InputMiB} MiB inputs (256×256×256 float32, 256×256×1024 uint8, …), 1 thread, best of {options.Samples} samples (at least {MinimumSamples} within {SampleBudget.TotalSeconds:0} s for slow kernels) on the thread's CPU clock; {Machine.Current.Cpu}, {Machine.Current.Cores} cores");
            using var measure = new Measurer(workspaces, options);
            return options.UpdateBaseline ? UpdateBaseline(measure, selected, options, output) : Check(measure, selected, options, output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The input shape for <paramref name="dtype"/>: 256 × 256 × as many voxels as make <see cref="InputMiB"/>.</summary>
    public static int[] InputShape(DType dtype) => [256, 256, (InputMiB << 20) / (256 * 256 * dtype.ItemSize())];

    private static int UpdateBaseline(Measurer measure, List<(string Id, ThroughputOp Op, DType DType)> kernels, Options options, TextWriter output)
    {
        // Whole passes over all kernels, as the check runs them, so that no pass finds its kernel's data still cached.
        var passes = Enumerable.Range(0, BaselinePasses).Select(_ => kernels.Select(measure.Kernel).ToList()).ToList();
        var figures = new SortedDictionary<string, BaselineFigure>(StringComparer.Ordinal);
        for (int k = 0; k < kernels.Count; k++)
        {
            var measurements = passes.Select(pass => pass[k]).ToList();
            var limit = measurements.GroupBy(m => m.Limit).MaxBy(passesAgreeing => passesAgreeing.Count())!.Key;
            double figure = Timing.Median(measurements.Select(m => m.Figure(limit)));
            figures[kernels[k].Id] = new BaselineFigure(Math.Round(figure, 4), limit);
            output.WriteLine($"baseline {kernels[k].Id}: {figure:G4} {GateCheck.Unit(limit)}");
        }

        new Baseline(Machine.Current, InputMiB, figures).Save(options.BaselinePath);
        output.WriteLine($"wrote {options.BaselinePath}: review and commit it.");
        return 0;
    }

    private static int Check(Measurer measure, List<(string Id, ThroughputOp Op, DType DType)> kernels, Options options, TextWriter output)
    {
        var baseline = Baseline.Load(options.BaselinePath);
        if (baseline.InputMiB != InputMiB)
        {
            throw new ArgumentException($"{options.BaselinePath} was measured on {baseline.InputMiB} MiB inputs, the gate now uses {InputMiB} MiB; update the baseline.");
        }

        var verdicts = new List<Verdict>();
        foreach (var kernel in kernels)
        {
            var expected = baseline.Kernels.GetValueOrDefault(kernel.Id);
            Verdict verdict;
            int attempt = 0;
            do
            {
                verdict = GateCheck.Check(kernel.Id, expected is null ? 0 : measure.Kernel(kernel).Figure(expected.Reference), expected);
            }
            while (!verdict.Passed && ++attempt < Attempts && expected is not null);

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

    /// <summary>Measures kernels against the two references, which it allocates and warms up once.</summary>
    private sealed class Measurer : IDisposable
    {
        private readonly Dictionary<DType, Workspace> _workspaces;
        private readonly Options _options;
        private readonly MemoryCopy _copy = new(CopyBytes);
        private readonly ComputeLoop _compute = new();
        private readonly int _copyRuns;
        private readonly int _computeRuns;

        public Measurer(Dictionary<DType, Workspace> workspaces, Options options)
        {
            _workspaces = workspaces;
            _options = options;
            _copyRuns = Timing.RunsPerSample(Timing.WarmUp(_copy, 1, WarmUp), MinimumSample);
            _computeRuns = Timing.RunsPerSample(Timing.WarmUp(_compute, 1, WarmUp), MinimumSample);
        }

        /// <summary>Warm-up, then the best of the samples of the kernel and of both references, taken in turn.</summary>
        public Measurement Kernel((string Id, ThroughputOp Op, DType DType) kernel)
        {
            var prepared = _workspaces[kernel.DType].Prepare(kernel.Op, kernel.DType);
            using IPreparedOp op = kernel.Id == _options.SlowKernel ? new SlowedRun(prepared, SlowdownFactor) : prepared;
            double secondsPerRun = Timing.WarmUp(op, 1, WarmUp);
            int runs = Timing.RunsPerSample(secondsPerRun, MinimumSample);
            int samples = Math.Clamp((int)(SampleBudget.TotalSeconds / (runs * secondsPerRun)), Math.Min(MinimumSamples, _options.Samples), _options.Samples);
            double bestOp = double.MaxValue, bestCopy = double.MaxValue, bestCompute = double.MaxValue;
            for (int sample = 0; sample < samples; sample++)
            {
                bestOp = Math.Min(bestOp, Timing.CpuTime(op, runs));
                bestCopy = Math.Min(bestCopy, Timing.CpuTime(_copy, _copyRuns));
                bestCompute = Math.Min(bestCompute, Timing.CpuTime(_compute, _computeRuns));
            }

            return new Measurement(op.Voxels * kernel.Op.BytesPerVoxel(kernel.DType.ItemSize()) / bestOp, _copy.BytesMoved / bestCopy, _compute.Voxels / bestCompute);
        }

        public void Dispose()
        {
            _copy.Dispose();
            _compute.Dispose();
            foreach (var workspace in _workspaces.Values)
            {
                workspace.Dispose();
            }
        }
    }
}
