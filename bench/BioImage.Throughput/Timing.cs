using System.Diagnostics;
using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>How the harness times an op: warm up first, then time batches of runs with <see cref="Stopwatch"/>.</summary>
internal static class Timing
{
    /// <summary>Runs after which every method of an op has been recompiled at tier 1 (the JIT's threshold is 30 calls).</summary>
    private const int TierUpRuns = 40;

    /// <summary>The longest the warm-up waits for <see cref="TierUpRuns"/> runs.</summary>
    private static readonly TimeSpan TierUpLimit = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs <paramref name="op"/> for at least <paramref name="duration"/> and at least twice, so tiered JIT has
    /// promoted its loops and every output page is touched — and at least <see cref="TierUpRuns"/> times unless that
    /// takes over <see cref="TierUpLimit"/>: the JIT recompiles a method called once per run (such as the read of a
    /// whole array) only after 30 calls, on a background thread that would otherwise share the two cores with the
    /// timed two-thread runs. Returns the seconds of the last run.
    /// </summary>
    public static double WarmUp(IPreparedOp op, int threads, TimeSpan duration)
    {
        var total = Stopwatch.StartNew();
        double last;
        int runs = 0;
        do
        {
            last = Time(op, threads, 1);
            runs++;
        }
        while (runs < 2 || total.Elapsed < duration || (runs < TierUpRuns && total.Elapsed < TierUpLimit));

        return last;
    }

    /// <summary>Runs enough times back to back that a sample lasts about <paramref name="minimum"/>, given one run's seconds.</summary>
    public static int RunsPerSample(double secondsPerRun, TimeSpan minimum) =>
        (int)Math.Clamp(Math.Ceiling(minimum.TotalSeconds / Math.Max(secondsPerRun, 1e-9)), 1, 1_000_000);

    /// <summary>Wall-clock seconds per run, averaged over <paramref name="runs"/> back-to-back runs.</summary>
    public static double Time(IPreparedOp op, int threads, int runs)
    {
        long start = Stopwatch.GetTimestamp();
        RunMany(op, threads, runs);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / runs;
    }

    /// <summary>
    /// Seconds per single-threaded run, averaged over <paramref name="runs"/> runs, on the calling thread's CPU
    /// clock where there is one (<see cref="ThreadCpuClock"/>): time spent waiting for a core does not count.
    /// </summary>
    public static double CpuTime(IPreparedOp op, int runs)
    {
        if (!ThreadCpuClock.IsAvailable)
        {
            return Time(op, 1, runs);
        }

        double start = ThreadCpuClock.Now();
        RunMany(op, 1, runs);
        return (ThreadCpuClock.Now() - start) / runs;
    }

    private static void RunMany(IPreparedOp op, int threads, int runs)
    {
        for (int i = 0; i < runs; i++)
        {
            op.Run(threads);
        }
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
