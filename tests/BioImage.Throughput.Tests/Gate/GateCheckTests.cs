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
        var verdict = GateCheck.Check("moments/float32", 0.5 * fractionOfBaseline, 0.5);

        Assert.True(verdict.Passed);
        Assert.StartsWith("PASS moments/float32:", verdict.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_slower_than_the_tolerance_fails_naming_kernel_figure_baseline_and_tolerance()
    {
        var verdict = GateCheck.Check("threshold/uint8", 0.059, 0.1);

        Assert.False(verdict.Passed);
        Assert.Equal(
            "FAIL threshold/uint8: 0.059 × copy; baseline 0.100, -41 %; tolerance 40 % (fails below 0.060) — slower than its baseline by more than the tolerance.",
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
        Assert.All(baseline.Kernels.Values, figure => Assert.True(figure > 0));
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
