using System.Text.Json;
using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>
/// <c>measure</c>, what <c>bench/compare.py</c> runs for our side: writes the sample data, measures the memory
/// bandwidth (STREAM copy of two reused arrays) and every requested op × dtype on 1 and on all threads (median of
/// the samples after a warm-up, outputs reused; 1 thread on the thread's CPU clock), and prints one JSON document: the machine, the bandwidth, and
/// per op its Mvox/s, its parameters for the peer and its result for the agreement check.
/// </summary>
/// <remarks>
/// Each op's samples alternate with samples of the same copy, so that every op also reports the copy bandwidth of
/// the minutes it ran in: on our shared machines the copy measured at the start of a run varied from 19 to 30 GB/s
/// between runs, which moved an element-wise op's share of it by as much.
/// </remarks>
internal static class MeasureCommand
{
    public sealed record Options(string WorkDir, int[] Shape, IReadOnlyList<ThroughputOp> Ops, IReadOnlyList<DType>? DTypes, int Samples, TimeSpan WarmUp, int BandwidthMiB);

    public static int Run(Options options, TextWriter output, TextWriter log)
    {
        int[] threadCounts = Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];
        using var copy = new MemoryCopy(checked(options.BandwidthMiB * 1024 * 1024));
        var bandwidth = MeasureBandwidth(copy, options, threadCounts, log);
        var cases = options.Ops.SelectMany(op => (options.DTypes ?? op.DTypes).Where(op.DTypes.Contains).Select(dtype => (op, dtype))).ToList();
        using var workspace = new Workspace(options.WorkDir, options.Shape, cases.Select(c => c.dtype));
        var results = cases.Select(c => MeasureOp(workspace, c.op, c.dtype, copy, options, threadCounts, log)).ToList();
        output.WriteLine(JsonSerializer.Serialize(new { Machine = Machine.Current, options.Shape, Threads = threadCounts, Bandwidth = bandwidth, Results = results }, Json.Options));
        return 0;
    }

    private static List<object> MeasureBandwidth(MemoryCopy copy, Options options, int[] threadCounts, TextWriter log)
    {
        var figures = new List<object>();
        foreach (int threads in threadCounts)
        {
            double seconds = MedianSeconds(copy, threads, options);
            double gigabytesPerSecond = copy.BytesMoved / seconds / 1e9;
            log.WriteLine($"memory copy, {threads} thread(s): {gigabytesPerSecond:F1} GB/s");
            figures.Add(new { Threads = threads, GigabytesPerSecond = gigabytesPerSecond });
        }

        return figures;
    }

    private static object MeasureOp(Workspace workspace, ThroughputOp op, DType dtype, MemoryCopy copy, Options options, int[] threadCounts, TextWriter log)
    {
        using var prepared = workspace.Prepare(op, dtype);
        var megavoxelsPerSecond = new Dictionary<string, double>();
        var copyGigabytesPerSecond = new Dictionary<string, double>();
        foreach (int threads in op.IsParallel ? threadCounts : [1])
        {
            var (opSeconds, copySeconds) = AlternatingMedianSeconds(prepared, copy, threads, options);
            string key = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
            megavoxelsPerSecond[key] = prepared.Voxels / opSeconds / 1e6;
            copyGigabytesPerSecond[key] = copy.BytesMoved / copySeconds / 1e9;
        }

        log.WriteLine($"{op.Name} {dtype.NumpyName()}: {string.Join(", ", megavoxelsPerSecond.Select(m => $"{m.Value:F0} Mvox/s on {m.Key} thread(s)"))}");
        return new
        {
            Op = op.Name,
            Dtype = dtype.NumpyName(),
            Input = workspace.PathOf(dtype),
            Parameters = op.Parameters(workspace.Shape),
            prepared.Voxels,
            BytesPerVoxel = op.BytesPerVoxel(dtype.ItemSize()),
            MegavoxelsPerSecond = megavoxelsPerSecond,
            CopyGigabytesPerSecond = copyGigabytesPerSecond,
            Result = prepared.Result(),
        };
    }

    /// <summary>
    /// Median seconds per run after the warm-up: single-threaded on the thread's CPU clock (as peers.py times the
    /// peers), so that time spent waiting for a core on a busy machine does not count; multi-threaded on the wall clock.
    /// </summary>
    private static double MedianSeconds(IPreparedOp op, int threads, Options options)
    {
        Timing.WarmUp(op, threads, options.WarmUp);
        return Timing.Median(Enumerable.Range(0, options.Samples).Select(_ => Sample(op, threads)));
    }

    /// <summary>
    /// The median seconds of <paramref name="op"/> and of <paramref name="copy"/> (warmed up by the run's first
    /// bandwidth measurement), their samples taken alternately as <see cref="MedianSeconds"/> takes them.
    /// </summary>
    private static (double Op, double Copy) AlternatingMedianSeconds(IPreparedOp op, IPreparedOp copy, int threads, Options options)
    {
        Timing.WarmUp(op, threads, options.WarmUp);
        var opSeconds = new List<double>(options.Samples);
        var copySeconds = new List<double>(options.Samples);
        for (int sample = 0; sample < options.Samples; sample++)
        {
            opSeconds.Add(Sample(op, threads));
            copySeconds.Add(Sample(copy, threads));
        }

        return (Timing.Median(opSeconds), Timing.Median(copySeconds));
    }

    private static double Sample(IPreparedOp op, int threads) => threads == 1 ? Timing.CpuTime(op, 1) : Timing.Time(op, threads, 1);
}
