using System.Collections.Concurrent;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>
/// Runs blocks on threads of this process. Groups (the blocks of one shard) run in parallel, the blocks of a group one
/// after another. Every block runs; failures are collected and reported together.
/// </summary>
internal static class LocalBackend
{
    public static Dictionary<long, object?> Run(BlockStep step, Blocking blocking, long[] halo, IReadOnlyList<long[]> groups, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, ISource? mask, RunOptions options)
    {
        long total = groups.Sum(group => (long)group.Length);
        var results = new ConcurrentDictionary<long, object?>();
        var failures = new ConcurrentDictionary<long, Exception>();
        long done = 0;
        int threadsPerBlock = (int)Math.Max(1, options.Workers / Math.Max(1, total));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = options.Cancellation };
        Parallel.ForEach(Partitioner.Create(0, groups.Count, Math.Max(1, groups.Count / (options.Workers * 8))), parallel, range =>
        {
            foreach (long id in groups.Skip(range.Item1).Take(range.Item2 - range.Item1).SelectMany(group => group))
            {
                try
                {
                    if (BlockExecutor.TryRun(step, blocking, id, halo, inputs, outputs, mask, threadsPerBlock, out var result))
                    {
                        results[id] = result;
                    }
                }
#pragma warning disable CA1031 // A failing block is recorded and reported with the others; the run goes on.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    failures[id] = exception;
                }

                options.Progress?.Report(new RunProgress(Interlocked.Increment(ref done), total));
            }
        });

        if (!failures.IsEmpty)
        {
            var failed = failures.Keys.Order().ToArray();
            var first = failures[failed[0]];
            string reason = $"{failed.Length} block(s) failed: {string.Join(", ", failed.Take(10))}{(failed.Length > 10 ? ", …" : string.Empty)}. First error (block {failed[0]}): {first.GetType().Name}: {first.Message}";
            throw new RunnerException(reason, failed, tmpFolder: null, first) { Reason = reason };
        }

        return new Dictionary<long, object?>(results);
    }
}
