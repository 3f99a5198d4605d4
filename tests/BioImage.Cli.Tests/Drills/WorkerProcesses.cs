using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BioImage.Cli.Tests.Drills;

/// <summary>
/// A worker process of a drill's run, found in /proc: <c>… BioImage.Core.dll worker TMP TASK …</c> (the library's own
/// worker; <c>bioimage.dll worker …</c> when BIOIMAGE_WORKER names the CLI) (a local worker or the
/// process a Slurm array task exec'd). <see cref="PassFolder"/> is the folder of its pass: the folder under TMP (TMP
/// itself with today's one run folder per pass; TMP/passes/… if the passes of a run share TMP) whose <c>blocks/</c>
/// was written last when the worker appeared. <see cref="PassKey"/> is its command line without the task id plus
/// that folder: every worker of one pass shares it and different passes differ, so the order in which keys first
/// appear numbers the passes.
/// </summary>
internal sealed record WorkerProcess(int Pid, string TmpFolder, string Task, string PassFolder, string PassKey)
{
    /// <summary>The worker's done-log: PASS/progress/TASK.log, else the newest progress/TASK.log anywhere under PASS.</summary>
    public string? DoneLog()
    {
        string direct = Path.Combine(PassFolder, "progress", Task + ".log");
        if (File.Exists(direct))
        {
            return direct;
        }

        try
        {
            return Directory.EnumerateFiles(PassFolder, Task + ".log", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "progress")
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The folder under <paramref name="tmp"/> (at most 3 levels down) whose blocks/ was written last: the pass being launched.</summary>
    public static string FindPassFolder(string tmp)
    {
        try
        {
            return Directory.EnumerateDirectories(tmp, "blocks", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3, IgnoreInaccessible = true })
                .OrderByDescending(Directory.GetLastWriteTimeUtc)
                .Select(blocks => Path.GetDirectoryName(blocks)!)
                .FirstOrDefault() ?? tmp;
        }
        catch (IOException)
        {
            return tmp;
        }
    }

    /// <summary>Newline-terminated lines of the done-log (finished blocks).</summary>
    public int DoneCount()
    {
        string? log = DoneLog();
        if (log is null)
        {
            return 0;
        }

        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int lines = 0, b;
            while ((b = stream.ReadByte()) >= 0)
            {
                lines += b == '\n' ? 1 : 0;
            }

            return lines;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The task's block (or item) ids from the blocks/TASK.json beside its progress folder; null when not found.</summary>
    public long[]? TaskBlocks()
    {
        string? log = DoneLog();
        string folder = log is null ? PassFolder : Path.GetDirectoryName(Path.GetDirectoryName(log))!;
        string path = Path.Combine(folder, "blocks", Task + ".json");
        return File.Exists(path) ? JsonSerializer.Deserialize<long[]>(File.ReadAllText(path)) : null;
    }

    /// <summary>The ids of the finished blocks, in done-log order.</summary>
    public long[] DoneBlocks()
    {
        string? log = DoneLog();
        if (log is null)
        {
            return [];
        }

        string text = File.ReadAllText(log);
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
    }

    /// <summary>SLURM_ARRAY_JOB_ID and SLURM_ARRAY_TASK_ID of a worker started by Slurm (null for local workers).</summary>
    public (string JobId, string TaskId)? SlurmArrayTask()
    {
        var environment = Os.Environment(Pid);
        return environment.TryGetValue("SLURM_ARRAY_JOB_ID", out var job) && environment.TryGetValue("SLURM_ARRAY_TASK_ID", out var task) ? (job, task) : null;
    }
}

/// <summary>Finds the workers of runs whose temp folders live under one tmp root, by scanning /proc.</summary>
internal sealed class WorkerScanner(string tmpRoot)
{
    private readonly string _tmpRoot = Path.GetFullPath(tmpRoot).TrimEnd('/') + "/";

    // pid → its start (clock ticks after boot) and the worker it is (null: not one of ours). A young process may still
    // exec (a fork of the orchestrator, a Slurm step or batch shell), so its command line is read again on every scan
    // until it is a few seconds old.
    private readonly Dictionary<int, (long Start, WorkerProcess? Worker)> _seen = [];

    /// <summary>The pass keys in the order their first worker was seen.</summary>
    public List<string> Passes { get; } = [];

    /// <summary>The live workers of this tmp root (and records new pass keys).</summary>
    public List<WorkerProcess> Scan()
    {
        long now = Os.TicksSinceBoot();
        var live = new List<WorkerProcess>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (_seen.TryGetValue(pid, out var known) && (known.Worker is not null || now - known.Start > 3 * Os.TicksPerSecond))
            {
                if (known.Worker is not null && Os.IsAlive(pid))
                {
                    live.Add(known.Worker);
                }

                continue;
            }

            long start = known.Start > 0 ? known.Start : Os.StartTicks(pid);
            var arguments = Os.CommandLine(pid);
            if (arguments is null || start <= 0)
            {
                continue;
            }

            var worker = Parse(pid, arguments);
            _seen[pid] = (start, worker);
            if (worker is not null)
            {
                if (!Passes.Contains(worker.PassKey))
                {
                    Passes.Add(worker.PassKey);
                }

                live.Add(worker);
            }
        }

        return live;
    }

    /// <summary>Pass number (1-based) of a worker.</summary>
    public int PassOf(WorkerProcess worker) => Passes.IndexOf(worker.PassKey) + 1;

    private WorkerProcess? Parse(int pid, string[] arguments)
    {
        int at = Array.IndexOf(arguments, "worker");
        if (at < 1 || at + 2 >= arguments.Length || !arguments[..at].Any(a => a.EndsWith("bioimage.dll", StringComparison.Ordinal) || a.EndsWith("BioImage.Core.dll", StringComparison.Ordinal) || Path.GetFileName(a) == "bioimage"))
        {
            return null;
        }

        string tmp = Path.GetFullPath(arguments[at + 1]);
        if (!(tmp + "/").StartsWith(_tmpRoot, StringComparison.Ordinal))
        {
            return null;
        }

        string passFolder = WorkerProcess.FindPassFolder(tmp);
        string key = string.Join(' ', arguments[(at + 1)..].Where((_, i) => i != 1)) + " @ " + Path.GetRelativePath(tmp, passFolder);
        return new WorkerProcess(pid, tmp, arguments[at + 2], passFolder, key);
    }
}

/// <summary>The few operating-system calls the drills need: signals, /proc, mounts, Slurm commands.</summary>
internal static partial class Os
{
    public const int SigKill = 9;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public static bool Signal(int pid, int signal) => NativeMethods.kill(pid, signal) == 0;

    public static bool IsAlive(int pid)
    {
        string? state = State(pid);
        return state is not null && state != "Z" && state != "X";
    }

    /// <summary>The state letter of /proc/PID/stat (R, S, D, T, Z, …), or null when the process is gone.</summary>
    public static string? State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length ? null : stat.Substring(close + 2, 1);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stops a process and waits (up to 1 s) until every one of its threads has stopped.</summary>
    public static bool Stop(int pid)
    {
        if (!Signal(pid, SigStop))
        {
            return false;
        }

        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 1000)
        {
            bool stopped = true;
            try
            {
                foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    string? state = State(pid) is null ? null : ThreadState(task);
                    if (state is not null and not ("T" or "t" or "Z" or "X"))
                    {
                        stopped = false;
                        break;
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                return false;
            }

            if (stopped)
            {
                return IsAlive(pid);
            }

            Thread.Sleep(1);
        }

        return IsAlive(pid);
    }

    /// <summary>Clock ticks per second of /proc/PID/stat's times (USER_HZ, 100 on Linux).</summary>
    public const long TicksPerSecond = 100;

    /// <summary>Clock ticks since boot, from /proc/uptime.</summary>
    public static long TicksSinceBoot() =>
        (long)(double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture) * TicksPerSecond);

    /// <summary>When the process started, in clock ticks since boot (field 22 of /proc/PID/stat), or 0 when it is gone.</summary>
    public static long StartTicks(int pid) => StatFields(pid) is { } fields ? long.Parse(fields[22 - 3], CultureInfo.InvariantCulture) : 0;

    /// <summary>CPU time the process has used (user + system: fields 14 and 15 of /proc/PID/stat) in clock ticks, or 0 when it is gone.</summary>
    public static long CpuTicks(int pid) =>
        StatFields(pid) is { } fields ? long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture) : 0;

    /// <summary>The fields of /proc/PID/stat after the command name (field 3 first), or null when the process is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string[]? CommandLine(int pid)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes).TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static Dictionary<string, string> Environment(int pid)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (string pair in Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    variables[pair[..equals]] = pair[(equals + 1)..];
                }
            }
        }
        catch (IOException)
        {
        }

        return variables;
    }

    /// <summary>Runs a command to its end; returns its exit code and stdout + stderr.</summary>
    public static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not end within 60 s.");
        }

        return (process.ExitCode, output + error.Result);
    }

    /// <summary>Runs a command that must succeed.</summary>
    public static string Must(string command, params string[] arguments)
    {
        var (code, output) = Run(command, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({code}): {output}");
    }

    public static bool IsMountPoint(string path) =>
        File.ReadAllLines("/proc/self/mountinfo").Any(line => line.Split(' ')[4] == Path.GetFullPath(path).TrimEnd('/'));

    private static string? ThreadState(string taskFolder)
    {
        try
        {
            string stat = File.ReadAllText(Path.Combine(taskFolder, "stat"));
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length ? null : stat.Substring(close + 2, 1);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Sleeps with microsecond resolution (Thread.Sleep rounds to milliseconds).</summary>
    public static void Sleep(TimeSpan time) => _ = NativeMethods.usleep((uint)Math.Max(1, time.TotalMicroseconds));

    /// <summary>Sets the nice value of every thread of <paramref name="pid"/> (Linux keeps one per thread).</summary>
    public static void Renice(int pid, int nice)
    {
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
                {
                    _ = NativeMethods.setpriority(0 /* PRIO_PROCESS: one thread on Linux */, (uint)tid, nice);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// Runs the calling thread under SCHED_FIFO (true) or back under SCHED_OTHER (false), so that its short sleeps end
    /// on time on a loaded machine. Root only; returns false when the kernel refuses.
    /// </summary>
    public static bool RealTime(bool on)
    {
        int priority = on ? 1 : 0;
        return NativeMethods.sched_setscheduler(0, on ? 1 /* SCHED_FIFO */ : 0 /* SCHED_OTHER */, ref priority) == 0;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in the test project; these take plain ints.
    private static partial class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int kill(int pid, int sig);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setpriority(int which, uint who, int prio);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int sched_setscheduler(int pid, int policy, ref int param);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int usleep(uint microseconds);
    }
#pragma warning restore SYSLIB1054
}
