using System.Text.Json;
using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>
/// <c>measure</c>, what <c>bench/compare.py</c> runs for our side: writes the sample data, measures the memory
/// bandwidth (STREAM copy of two reused arrays) and every requested op × dtype on 1 and on all threads (median of
/// the samples after a warm-up, outputs reused; 1 thread on the thread's CPU clock), and prints one JSON document: the machine, the bandwidth, and
/// per op its Mvox/s, its parameters for the peer and its result for the agreement check.
/// </summary>
internal static class MeasureCommand
{
    public sealed record Options(string WorkDir, int[] Shape, IReadOnlyList<ThroughputOp> Ops, IReadOnlyList<DType>? DTypes, int Samples, TimeSpan WarmUp, int BandwidthMiB);

    public static int Run(Options options, TextWriter output, TextWriter log)
    {
        int[] threadCounts = Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];
        var bandwidth = MeasureBandwidth(options, threadCounts, log);
        var cases = options.Ops.SelectMany(op => (options.DTypes ?? op.DTypes).Where(op.DTypes.Contains).Select(dtype => (op, dtype))).ToList();
        using var workspace = new Workspace(options.WorkDir, options.Shape, cases.Select(c => c.dtype));
        var results = cases.Select(c => MeasureOp(workspace, c.op, c.dtype, options, threadCounts, log)).ToList();
        output.WriteLine(JsonSerializer.Serialize(new { Machine = Machine.Current, options.Shape, Threads = threadCounts, Bandwidth = bandwidth, Results = results }, Json.Options));
        return 0;
    }

    private static List<object> MeasureBandwidth(Options options, int[] threadCounts, TextWriter log)
    {
        using var copy = new MemoryCopy(checked(options.BandwidthMiB * 1024 * 1024));
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

    private static object MeasureOp(Workspace workspace, ThroughputOp op, DType dtype, Options options, int[] threadCounts, TextWriter log)
    {
        using var prepared = workspace.Prepare(op, dtype);
        var megavoxelsPerSecond = new Dictionary<string, double>();
        foreach (int threads in op.IsParallel ? threadCounts : [1])
        {
            megavoxelsPerSecond[threads.ToString(System.Globalization.CultureInfo.InvariantCulture)] = prepared.Voxels / MedianSeconds(prepared, threads, options) / 1e6;
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
        return Timing.Median(Enumerable.Range(0, options.Samples).Select(_ => threads == 1 ? Timing.CpuTime(op, 1) : Timing.Time(op, threads, 1)));
    }
}
