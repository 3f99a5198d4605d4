using System.Diagnostics;
using System.Globalization;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>
/// The worker harness: runs one task of a distributed run inside a worker process (a local process or a Slurm
/// array task: the library's own <see cref="WorkerEntry"/>, or <c>bioimage worker TMP TASK</c>). Skips blocks
/// already in the task's done-log, stops at the first failing block (it and the rest of the task stay not-done),
/// and writes the success sentinel last.
/// </summary>
public static class Worker
{
    /// <summary>Runs task <paramref name="task"/> of the run in <paramref name="tmpFolder"/>; returns the process exit code.</summary>
    public static int RunTask(string tmpFolder, int task)
    {
        var started = DateTimeOffset.UtcNow;
        var folder = TaskFolder.Open(tmpFolder);
        try
        {
            var manifest = folder.ReadManifest();
            if (task < 0 || task >= manifest.TaskCount)
            {
                throw new ArgumentOutOfRangeException(nameof(task), task, $"The run has tasks 0 to {manifest.TaskCount - 1}.");
            }

            var step = manifest.Operation.Create();
            var inputs = manifest.Inputs.Select(Source.Open).ToArray();
            var outputs = manifest.Outputs.Select(Source.Open).ToArray();
            var mask = manifest.Mask is null ? null : Source.Open(manifest.Mask);
            var blocking = manifest.CreateBlocking();
            var done = folder.ReadDone(task);
            var clock = Stopwatch.StartNew();
            int processed = 0;
            using (var log = folder.OpenDoneLog(task))
            using (var results = step.ResultType is null ? null : folder.OpenResults(task))
            {
                foreach (long blockId in folder.ReadTaskBlocks(task).Where(id => !done.Contains(id)))
                {
                    if (BlockExecutor.TryRun(step, blocking, blockId, manifest.Halo, inputs, outputs, mask, threads: 1, out var result) && results is not null)
                    {
                        TaskFolder.AppendResult(results, blockId, result, step.ResultType!);
                    }

                    TaskFolder.AppendDone(log, blockId);
                    processed++;
                }
            }

            folder.WriteTimings(task, new TaskTimings(
                task,
                processed,
                clock.Elapsed.TotalSeconds,
                started,
                DateTimeOffset.UtcNow,
                Environment.MachineName,
                Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID"),
                Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID")));
            folder.MarkSucceeded(task);
            return 0;
        }
#pragma warning disable CA1031 // The harness records every failure in the error file; the orchestrator reports it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            folder.WriteError(task, string.Create(CultureInfo.InvariantCulture, $"{exception.GetType().Name}: {exception.Message}\n{exception}"));
            return 1;
        }
    }
}
