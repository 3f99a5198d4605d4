using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BioImage.Runners;

/// <summary>
/// Runs the tasks of a run folder as Slurm job arrays. The job script only starts the worker by absolute path
/// (its task id read from a list, so any subset of tasks can be resubmitted); every other setting is a separate
/// sbatch argument, validated first. Arrays larger than MaxArraySize are split into several jobs. The orchestrator
/// polls squeue (which works without accounting); a task that left the queue without its success file is failed
/// after <see cref="SlurmConfig.LatencyWait"/> seconds, whatever the reason (error, time limit, cancelled while
/// pending — such tasks vanish without a trace). Cancelling the run scancels its jobs.
/// </summary>
internal sealed class SlurmLauncher(SlurmConfig config) : ITaskLauncher
{
    internal sealed record Submission(string JobId, int[] Tasks);

    public void LaunchAndWait(TaskFolder folder, IReadOnlyList<int> tasks, RunOptions options)
    {
        config.Validate();
        var worker = WorkerCommand.Resolve();
        string slurmFolder = Directory.CreateDirectory(Path.Combine(folder.Path, "slurm")).FullName;
        var submissions = new List<Submission>();
        int first = Directory.GetFiles(slurmFolder, "tasks-*.txt").Length;
        int maxArray = config.MaxArraySize ?? SlurmCommands.MaxArraySize();
        try
        {
            foreach (var (chunk, n) in tasks.Chunk(maxArray).Select((chunk, i) => (chunk, first + i)))
            {
                string tasksFile = Path.Combine(slurmFolder, $"tasks-{n}.txt");
                File.WriteAllLines(tasksFile, chunk.Select(t => t.ToString(CultureInfo.InvariantCulture)));
                string script = Script(worker, folder.Path, tasksFile);
                File.WriteAllText(Path.Combine(slurmFolder, $"submit-{n}.sh"), script);
                string array = $"--array=0-{chunk.Length - 1}" + (config.Throttle is { } throttle ? $"%{throttle}" : string.Empty);
                string jobId = SlurmCommands.Submit(script, config.SbatchArguments().Concat([array, $"--output={folder.LogsPath}/slurm-%A_%a.out", $"--error={folder.LogsPath}/slurm-%A_%a.err"]));
                submissions.Add(new Submission(jobId, chunk));
                // Written whole and renamed into place: a reattach must never read a half-written list.
                TaskFolder.WriteAtomically(Path.Combine(slurmFolder, "jobs.json"), JsonSerializer.SerializeToUtf8Bytes([.. ReadSubmissions(folder), new Submission(jobId, chunk)], RunnersJsonContext.Default.ListSubmission));
            }

            Wait(folder, submissions, config, options);
        }
        catch (OperationCanceledException)
        {
            SlurmCommands.Cancel(submissions.Select(s => s.JobId));
            throw new OperationCanceledException($"Run cancelled: scancel was sent to Slurm job(s) {string.Join(", ", submissions.Select(s => s.JobId))}. The temp folder {folder.Path} is kept: pass it as --resume-from to finish the run.");
        }
    }

    /// <summary>Waits again for the Slurm jobs of a run folder (after the submitting process ended).</summary>
    public static void Reattach(TaskFolder folder, SlurmConfig config, RunOptions options)
    {
        var submissions = ReadSubmissions(folder);
        if (submissions.Count == 0)
        {
            throw new InvalidOperationException($"{folder.Path} records no Slurm job (slurm/jobs.json is missing): it was not a Slurm run.");
        }

        try
        {
            Wait(folder, submissions, config, options);
        }
        catch (OperationCanceledException)
        {
            SlurmCommands.Cancel(submissions.Select(s => s.JobId));
            throw;
        }
    }

    private static List<Submission> ReadSubmissions(TaskFolder folder)
    {
        string path = Path.Combine(folder.Path, "slurm", "jobs.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), RunnersJsonContext.Default.ListSubmission) ?? [] : [];
    }

    private string Script(IReadOnlyList<string> worker, string tmpFolder, string tasksFile)
    {
        var script = new StringBuilder("#!/bin/bash\n");
        foreach (string line in config.Preamble ?? [])
        {
            script.Append(line).Append('\n');
        }

        script.Append(CultureInfo.InvariantCulture, $"TASK=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Quote(tasksFile)})\n");
        script.Append("exec ").AppendJoin(' ', worker.Select(Quote)).Append(CultureInfo.InvariantCulture, $" worker {Quote(tmpFolder)} \"$TASK\"\n");
        return script.ToString();
    }

    /// <summary>Single-quotes a word for bash: nothing inside is expanded.</summary>
    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Wait(TaskFolder folder, IReadOnlyList<Submission> submissions, SlurmConfig config, RunOptions options)
    {
        var grace = TimeSpan.FromSeconds(config.LatencyWait ?? 30);
        var poll = TimeSpan.FromSeconds(config.PollInterval ?? 2);
        // A task resubmitted by a resume appears in several submissions: the latest one is the one that counts.
        var waiting = new Dictionary<int, (int Task, string Name, string JobId, int Index)>();
        foreach (var submission in submissions)
        {
            for (int index = 0; index < submission.Tasks.Length; index++)
            {
                waiting[submission.Tasks[index]] = (submission.Tasks[index], $"{submission.JobId}_{index}", submission.JobId, index);
            }
        }

        var leftQueueAt = new Dictionary<int, DateTime>();
        int taskCount = folder.ReadManifest().TaskCount;
        long total = Enumerable.Range(0, taskCount).Sum(t => (long)folder.ReadTaskBlocks(t).Length);
        var doneLogs = new DoneLogTail(folder, taskCount);
        while (waiting.Count > 0)
        {
            var active = SlurmCommands.ActiveTasks(submissions.Select(s => s.JobId));
            foreach (var slot in waiting.Values.ToList())
            {
                if (folder.HasSucceeded(slot.Task))
                {
                    waiting.Remove(slot.Task);
                }
                else if (active.ContainsKey(slot.Name))
                {
                    leftQueueAt.Remove(slot.Task);
                }
                else if (!leftQueueAt.TryAdd(slot.Task, DateTime.UtcNow) && DateTime.UtcNow - leftQueueAt[slot.Task] >= grace)
                {
                    if (!folder.HasError(slot.Task))
                    {
                        string state = SlurmCommands.FinalState(slot.JobId, slot.Index) ?? "no record: it vanished from Slurm (a pending task cancelled with scancel leaves none)";
                        folder.WriteError(slot.Task, $"Slurm task {slot.Name} (task {slot.Task}) ended without success: {state}");
                    }

                    waiting.Remove(slot.Task);
                }
            }

            var counts = active.Values.GroupBy(s => s.ToLowerInvariant()).Select(g => $"{g.Count()} {g.Key}");
            options.Progress?.Report(new RunProgress(doneLogs.Count(), total, $"Slurm {string.Join(", ", submissions.Select(s => s.JobId))}: {string.Join(", ", counts.DefaultIfEmpty("none queued"))}"));
            if (waiting.Count > 0 && options.Cancellation.WaitHandle.WaitOne(poll))
            {
                options.Cancellation.ThrowIfCancellationRequested();
            }
        }
    }
}
