using System.Diagnostics;
using System.Globalization;

namespace BioImage.Runners;

/// <summary>Runs each task as a worker process (<see cref="WorkerCommand"/>) on this machine, all tasks at once.</summary>
internal sealed class SubprocessLauncher : ITaskLauncher
{
    public void LaunchAndWait(TaskFolder folder, IReadOnlyList<int> tasks, RunOptions options)
    {
        var command = WorkerCommand.Resolve();
        int taskCount = folder.ReadManifest().TaskCount;
        long total = Enumerable.Range(0, taskCount).Sum(t => (long)folder.ReadTaskBlocks(t).Length);
        var running = tasks.Select(task => Start(command, folder, task)).ToList();
        try
        {
            WaitForAll(folder, running, taskCount, total, options);
        }
        catch (OperationCanceledException)
        {
            throw new OperationCanceledException($"Run cancelled: the worker processes were stopped. The temp folder {folder.Path} is kept: pass it as --resume-from to finish the run.");
        }
        finally
        {
            foreach (var (_, process, _) in running)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }

                process.Dispose();
            }
        }
    }

    private static void WaitForAll(TaskFolder folder, List<(int Task, Process Process, Task LogsWritten)> running, int taskCount, long total, RunOptions options)
    {
        var doneLogs = new DoneLogTail(folder, taskCount);
        while (!running.TrueForAll(r => r.Process.WaitForExit(0)))
        {
            options.Cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
            options.Cancellation.ThrowIfCancellationRequested();
            options.Progress?.Report(new RunProgress(doneLogs.Count(), total, $"{running.Count(r => !r.Process.HasExited)} worker process(es) running"));
        }

        foreach (var (task, process, logsWritten) in running)
        {
            process.WaitForExit();
            logsWritten.Wait();
            if (process.ExitCode != 0 && !folder.HasError(task))
            {
                folder.WriteError(task, string.Create(CultureInfo.InvariantCulture, $"worker process for task {task} exited with code {process.ExitCode}{(process.ExitCode > 128 ? $" (signal {process.ExitCode - 128})" : string.Empty)}; see {folder.LogsPath}/{task}.err"));
            }
        }
    }

    /// <summary>Starts the worker of one task; its stdout and stderr are appended to logs/&lt;task&gt;.out and .err.</summary>
    private static (int Task, Process Process, Task LogsWritten) Start(IReadOnlyList<string> command, TaskFolder folder, int task)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in command.Skip(1).Concat(["worker", folder.Path, task.ToString(CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        return (task, process, Task.WhenAll(AppendTo(process.StandardOutput.BaseStream, $"{task}.out"), AppendTo(process.StandardError.BaseStream, $"{task}.err")));

        async Task AppendTo(Stream stream, string name)
        {
            await using var log = new FileStream(Path.Combine(folder.LogsPath, name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await stream.CopyToAsync(log).ConfigureAwait(false);
        }
    }
}
