using System.Diagnostics;
using System.Globalization;

namespace BioImage.Cli.Tests.Drills;

/// <summary>What goes wrong in a drill's run.</summary>
public enum Fault
{
    /// <summary>SIGKILL of a worker process mid-task.</summary>
    Kill,

    /// <summary><c>scancel JOB_TASK</c> of a running Slurm array task mid-task.</summary>
    ScancelRunning,

    /// <summary><c>scancel JOB_TASK</c> of a pending Slurm array task (it vanishes from Slurm) while another task of the array is mid-task.</summary>
    ScancelPending,

    /// <summary>A running Slurm task outlives --time (the worker is held stopped mid-task until Slurm kills it: TIMEOUT).</summary>
    Timeout,

    /// <summary>The output's file system fills up mid-task.</summary>
    FullDisk,

    /// <summary>The output folder becomes read-only mid-task.</summary>
    ReadOnly,
}

/// <summary>What the injector did: whether the fault hit a task mid-way, which worker, and what it had done.</summary>
internal sealed record Injection(bool Applied, string Description, WorkerProcess? Victim = null, long[]? VictimDone = null, long[]? VictimBlocks = null)
{
    /// <summary>
    /// The victim's blocks that its done-log does not hold now (read after the run: a task cancelled or timed out by
    /// Slurm gets SIGCONT and SIGTERM and may finish a few more blocks before it ends): a correct failure report names
    /// all of them.
    /// </summary>
    public long[] VictimUnfinished() => VictimBlocks is null || Victim is null ? [] : [.. VictimBlocks.Except(Victim.DoneBlocks())];
}

/// <summary>
/// Injects one fault into a running bioimage command, deterministically mid-task: it watches /proc for the workers of
/// the drill's tmp root, takes the first worker of the wanted pass, stops it (SIGSTOP) at once — a worker needs
/// 100+ ms to start, so this happens before its first block — and then lets it run in slices of a few milliseconds
/// (SIGCONT, sleep, SIGSTOP) until its done-log holds at least one block. If the task still has blocks left, the fault
/// hits it there, while it is stopped; otherwise (a slice finished the whole task) the injection missed and the drill
/// tries again. No code in bioimage is slowed down or instrumented.
/// </summary>
internal sealed class FaultInjector(string tmpRoot, int pass, Fault fault, Action<WorkerProcess>? breakOutput = null)
{
    // Slices while the worker starts (no done-log yet), and once it has opened its done-log: blocks of cheap passes
    // (unique) take microseconds, so the slices around the first block are short.
    private static readonly TimeSpan StartSlice = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan BlockSlice = TimeSpan.FromMicroseconds(200);

    // The drills' own bookkeeping happens while the victim is stopped, so its CPU time is spent only in slices.

    public Injection Inject(CliProcess orchestrator)
    {
        var scanner = new WorkerScanner(tmpRoot);
        var clock = Stopwatch.StartNew();
        WorkerProcess? victim = null;
        while (victim is null)
        {
            if (orchestrator.HasExited)
            {
                return new Injection(false, $"the run ended before a worker of pass {pass} appeared (passes seen: {scanner.Passes.Count})");
            }

            victim = scanner.Scan().FirstOrDefault(w => scanner.PassOf(w) == pass);
            if (victim is null && scanner.Passes.Count > pass)
            {
                return new Injection(false, $"pass {pass} ended before the injector saw a worker of it");
            }

            if (victim is null)
            {
                Thread.Sleep(10);
            }
        }

        if (!Os.Stop(victim.Pid))
        {
            return new Injection(false, $"worker {victim.Pid} (task {victim.Task}) ended before it could be stopped");
        }

        // Slices until the first finished block; the victim is stopped whenever its done-log is read. On a loaded
        // machine a 2 ms sleep can last 50 ms and a slice then finishes a whole task, so meanwhile this thread runs
        // real-time (it sleeps nearly all the time) and the victim at nice 19 (less when it starves: StarvationGuard).
        Os.Renice(victim.Pid, 19);
        bool realTime = Os.RealTime(true);
        try
        {
            return SliceAndStrike(orchestrator, scanner, victim, clock, realTime);
        }
        finally
        {
            if (realTime)
            {
                Os.RealTime(false);
            }

            Os.Renice(victim.Pid, 0);
        }
    }

    private Injection SliceAndStrike(CliProcess orchestrator, WorkerScanner scanner, WorkerProcess victim, Stopwatch clock, bool realTime)
    {
        int slices = 0;
        var starvation = new StarvationGuard(victim.Pid, clock);
        while (victim.DoneCount() == 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2) || orchestrator.HasExited)
            {
                Os.Signal(victim.Pid, Os.SigCont);
                return new Injection(false, orchestrator.HasExited ? $"the run ended while worker {victim.Pid} was being sliced" : $"worker {victim.Pid} finished no block in 2 minutes of slices", victim);
            }

            Os.Signal(victim.Pid, Os.SigCont);
            Os.Sleep((victim.DoneLog() is null ? StartSlice : BlockSlice) * starvation.SliceFactor());
            slices++;
            if (!Os.Stop(victim.Pid))
            {
                return new Injection(false, $"worker {victim.Pid} (task {victim.Task}) ended during slice {slices} (it finished its task, or failed)", victim);
            }
        }

        long[] done = victim.DoneBlocks();
        long[]? blocks = victim.TaskBlocks();
        if (blocks is not null && !blocks.Except(done).Any())
        {
            Os.Signal(victim.Pid, Os.SigCont);
            return new Injection(false, $"worker {victim.Pid} finished all {blocks.Length} blocks of task {victim.Task} within one slice", victim, done, blocks);
        }

        string where = string.Create(CultureInfo.InvariantCulture, $"pass {pass} ({victim.PassKey}), task {victim.Task} (pid {victim.Pid}) after {done.Length} of {blocks?.Length.ToString(CultureInfo.InvariantCulture) ?? "?"} blocks ({slices} slices{(realTime ? string.Empty : ", injector not real-time")})");
        switch (fault)
        {
            case Fault.Kill:
                Os.Signal(victim.Pid, Os.SigKill);
                return new Injection(true, "SIGKILL of " + where, victim, done, blocks);

            case Fault.ScancelRunning:
            {
                var slurm = victim.SlurmArrayTask() ?? throw new InvalidOperationException($"worker {victim.Pid} has no SLURM_ARRAY_JOB_ID: not a Slurm task");
                string id = $"{slurm.JobId}_{slurm.TaskId}";
                Os.Must("scancel", id);

                // Kept stopped: Slurm sends SIGCONT then SIGTERM (then SIGKILL after KillWait), so no more blocks finish.
                return new Injection(true, $"scancel {id} (running) at " + where, victim, done, blocks);
            }

            case Fault.ScancelPending:
            {
                var slurm = victim.SlurmArrayTask() ?? throw new InvalidOperationException($"worker {victim.Pid} has no SLURM_ARRAY_JOB_ID: not a Slurm task");
                var pending = Os.Must("squeue", "-h", "-r", "-j", slurm.JobId, "-t", "PENDING", "-o", "%i").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (pending.Length == 0)
                {
                    Os.Signal(victim.Pid, Os.SigCont);
                    string states = Os.Run("squeue", "-h", "-r", "-j", slurm.JobId, "-o", "%i %T").Output.Trim().Replace('\n', ',');
                    return new Injection(false, $"job {slurm.JobId} has no pending task while {slurm.JobId}_{slurm.TaskId} is at {where} (squeue: {states}; the throttle keeps the second task pending only while the first runs)", victim, done, blocks);
                }

                Os.Must("scancel", pending[^1]);
                Os.Signal(victim.Pid, Os.SigCont);
                return new Injection(true, $"scancel {pending[^1]} (pending) while {slurm.JobId}_{slurm.TaskId} was at " + where, victim, done, blocks);
            }

            case Fault.Timeout:
                // Left stopped until Slurm's time limit kills it.
                return new Injection(true, "held stopped until the time limit: " + where, victim, done, blocks);

            case Fault.FullDisk:
            case Fault.ReadOnly:
            {
                // The other workers are held too: a file they open for writing while the output is being made
                // read-only makes the remount fail (busy).
                var others = scanner.Scan().Where(w => w.Pid != victim.Pid).Where(w => Os.Stop(w.Pid)).ToList();
                try
                {
                    breakOutput?.Invoke(victim);
                }
                finally
                {
                    foreach (var worker in others.Append(victim))
                    {
                        Os.Signal(worker.Pid, Os.SigCont);
                    }
                }

                return new Injection(true, $"{fault} while " + where, victim, done, blocks);
            }

            default:
                throw new InvalidOperationException($"Unknown fault {fault}.");
        }
    }
}

/// <summary>
/// Keeps a sliced victim from starving. At nice 19, on a machine loaded by other test runs, its slices may give it no
/// CPU at all, and it never reaches its first block. Whenever its CPU time (/proc/PID/stat) has not grown for a second
/// of slicing, it gets more: first its nice value is raised in steps to 0, then its slices are doubled (up to 64×).
/// </summary>
internal sealed class StarvationGuard(int pid, Stopwatch clock)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);
    private long _cpuTicks = Os.CpuTicks(pid);
    private TimeSpan _lastProgress = clock.Elapsed;
    private int _nice = 19;
    private int _factor = 1;

    /// <summary>The factor for the next slice, after raising the victim's share if it made no progress lately.</summary>
    public int SliceFactor()
    {
        long ticks = Os.CpuTicks(pid);
        if (ticks > _cpuTicks)
        {
            _cpuTicks = ticks;
            _lastProgress = clock.Elapsed;
        }
        else if (clock.Elapsed - _lastProgress > Patience)
        {
            _lastProgress = clock.Elapsed;
            if (_nice > 0)
            {
                _nice = Math.Max(0, _nice - 10);
                Os.Renice(pid, _nice);
            }
            else
            {
                _factor = Math.Min(64, _factor * 2);
            }
        }

        return _factor;
    }
}
