using BioImage.Throughput.Gate;
using BioImage.Throughput.Ops;

namespace BioImage.Throughput.Tests.Gate;

/// <summary>The gate's rule, its self-test wrapper, and the committed baseline's coverage.</summary>
public class GateCheckTests
{
    [Theory]
    [InlineData(1.00)]
    [InlineData(1.50)]
    [InlineData(0.61)]
    public void A_kernel_within_the_tolerance_passes(double fractionOfBaseline)
    {
        var verdict = GateCheck.Check("moments/float32", 0.5 * fractionOfBaseline, new BaselineFigure(0.5, Reference.Compute));

        Assert.True(verdict.Passed);
        Assert.StartsWith("PASS moments/float32:", verdict.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_slower_than_the_tolerance_fails_naming_kernel_figure_baseline_and_tolerance()
    {
        var verdict = GateCheck.Check("threshold/uint8", 0.059, new BaselineFigure(0.1, Reference.Copy));

        Assert.False(verdict.Passed);
        Assert.Equal(
            "FAIL threshold/uint8: 0.059 × copy bandwidth; baseline 0.1, -41 %; tolerance 40 % (fails below 0.06) — slower than its baseline by more than the tolerance.",
            verdict.Line);
    }

    [Fact]
    public void A_kernel_missing_from_the_baseline_fails_and_says_how_to_add_it()
    {
        var verdict = GateCheck.Check("new-op/uint8", 1.0, baseline: null);

        Assert.False(verdict.Passed);
        Assert.Contains("bench/gate.sh --update-baseline", verdict.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measurement_is_limited_by_memory_when_it_moves_at_least_half_the_copy_bandwidth()
    {
        var memoryBound = new Measurement(KernelBytesPerSecond: 6e9, CopyBytesPerSecond: 10e9, ComputeStepsPerSecond: 3e8);
        var computeBound = memoryBound with { KernelBytesPerSecond = 4e9 };

        Assert.Equal(Reference.Copy, memoryBound.Limit);
        Assert.Equal(0.6, memoryBound.Figure(Reference.Copy), 12);
        Assert.Equal(Reference.Compute, computeBound.Limit);
        Assert.Equal(4e9 / 3e8, computeBound.Figure(Reference.Compute), 12);
    }

    [Fact]
    public void The_slowed_run_runs_its_kernel_the_given_number_of_times()
    {
        var counting = new CountingOp();
        using var slowed = new SlowedRun(counting, GateCommand.SlowdownFactor);

        slowed.Run(1);
        slowed.Run(1);

        Assert.Equal(2 * GateCommand.SlowdownFactor, counting.Runs);
    }

    [Fact]
    public void The_committed_baseline_has_a_figure_for_exactly_the_kernels_that_exist()
    {
        var baseline = Baseline.Load(Path.Combine(RepoPaths.Root, "bench", "baseline.json"));

        Assert.Equal(GateCommand.Kernels.Select(k => k.Id).Order(StringComparer.Ordinal), baseline.Kernels.Keys);
        Assert.All(baseline.Kernels.Values, entry => Assert.True(entry.Figure > 0));
    }

    private sealed class CountingOp : IPreparedOp
    {
        public int Runs { get; private set; }

        public long Voxels => 1;

        public void Run(int threads) => Runs++;

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object>();

        public void Dispose()
        {
        }
    }
}
