using System.Text.Json;

namespace BioImage.Runners;

/// <summary>Starts the given tasks of a run folder and returns when all of them have ended.</summary>
internal interface ITaskLauncher
{
    void LaunchAndWait(TaskFolder folder, IReadOnlyList<int> tasks, RunOptions options);
}

/// <summary>
/// The orchestrator of a distributed run, shared by the subprocess and Slurm backends: writes the manifest and the
/// task partition, launches, and decides from the done-logs which blocks failed (then keeps the folder and throws
/// <see cref="RunnerException"/>) or collects the results and removes the folder.
/// </summary>
internal static class DistributedRun
{
    /// <summary>
    /// Contiguous, near-equal task partition of the block groups (single blocks, or the blocks of one shard, which must
    /// stay in one task): min(workers, groups) tasks, the first ones one group larger.
    /// </summary>
    public static List<long[]> Partition(IReadOnlyList<long[]> groups, int workers)
    {
        int tasks = Math.Max(1, Math.Min(workers, groups.Count));
        var partition = new List<long[]>(tasks);
        int start = 0;
        for (int task = 0; task < tasks; task++)
        {
            int size = (groups.Count / tasks) + (task < groups.Count % tasks ? 1 : 0);
            partition.Add(groups.Skip(start).Take(size).SelectMany(group => group).ToArray());
            start += size;
        }

        return partition;
    }

    public static Dictionary<long, JsonElement> Start(Manifest manifest, IReadOnlyList<long[]> partition, ITaskLauncher launcher, RunOptions options)
    {
        var folder = options.PassFolder is { } passFolder ? TaskFolder.CreateAt(passFolder) : TaskFolder.Create(options.EffectiveTmpRoot);
        for (int task = 0; task < partition.Count; task++)
        {
            folder.WriteTaskBlocks(task, partition[task]);
        }

        // The manifest last: a folder with a manifest is a started run (a resume relaunches its tasks).
        folder.WriteManifest(manifest with { TaskCount = partition.Count });

        return LaunchAndFinalize(folder, Enumerable.Range(0, partition.Count).ToArray(), partition.Count, launcher, options);
    }

    /// <summary>Relaunches the incomplete tasks of a kept folder and finalizes over all tasks (old and new results merge).</summary>
    public static Dictionary<long, JsonElement> Resume(string tmpFolder, ITaskLauncher launcher, RunOptions options)
    {
        var folder = TaskFolder.Open(tmpFolder);
        int taskCount = folder.ReadManifest().TaskCount;
        var incomplete = Enumerable.Range(0, taskCount).Where(t => !folder.ReadDone(t).IsSupersetOf(folder.ReadTaskBlocks(t))).ToArray();
        foreach (int task in incomplete)
        {
            folder.ClearSuccess(task);
            folder.ClearError(task);
        }

        return LaunchAndFinalize(folder, incomplete, taskCount, launcher, options);
    }

    /// <summary>Waits for a run that is still going (<paramref name="wait"/>), then finalizes it like any other.</summary>
    /// <param name="tmpFolder">The run's task folder.</param>
    /// <param name="wait">Waits for the run's jobs.</param>
    /// <param name="keep">Keep the folder after success (an operation's pass folder, removed once its results are saved).</param>
    public static Dictionary<long, JsonElement> Reattach(string tmpFolder, Action<TaskFolder> wait, bool keep = false)
    {
        var folder = TaskFolder.Open(tmpFolder);
        wait(folder);
        return Finalize(folder, folder.ReadManifest().TaskCount, keep);
    }

    private static Dictionary<long, JsonElement> LaunchAndFinalize(TaskFolder folder, int[] tasks, int taskCount, ITaskLauncher launcher, RunOptions options)
    {
        if (tasks.Length > 0)
        {
            launcher.LaunchAndWait(folder, tasks, options);
        }

        return Finalize(folder, taskCount, keep: options.PassFolder is not null);
    }

    private static Dictionary<long, JsonElement> Finalize(TaskFolder folder, int taskCount, bool keep)
    {
        var failed = new List<long>();
        var unfinished = new List<int>();
        for (int task = 0; task < taskCount; task++)
        {
            var done = folder.ReadDone(task);
            var missing = folder.ReadTaskBlocks(task).Where(id => !done.Contains(id)).ToArray();
            failed.AddRange(missing);
            if (missing.Length > 0 || !folder.HasSucceeded(task))
            {
                unfinished.Add(task);
            }
        }

        if (failed.Count > 0)
        {
            failed.Sort();
            string reason = folder.FirstErrorLine(unfinished) ?? "the worker ended without reporting an error (killed, cancelled or timed out)";
            string summary = $"{failed.Count} block(s) failed: {string.Join(", ", failed.Take(10))}{(failed.Count > 10 ? ", …" : string.Empty)}; task(s) without success: {string.Join(", ", unfinished.Take(10))}. First error: {reason}";
            throw new RunnerException($"{summary}. The temp folder {folder.Path} is kept: pass it as resume_from (--resume-from) to finish the run.", failed, folder.Path) { Reason = summary };
        }

        var results = folder.ReadResults();
        if (!keep)
        {
            Directory.Delete(folder.Path, recursive: true);
        }

        return results;
    }
}
