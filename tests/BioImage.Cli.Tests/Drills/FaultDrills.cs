using System.Globalization;
using Xunit.Abstractions;

namespace BioImage.Cli.Tests.Drills;

/// <summary>
/// The drills themselves. Each one runs a verb's command with a fault injected mid-task, checks how the run failed
/// (exit 1, the kept temp folder named with <c>--resume-from TMP</c>, every failed block id named), then recovers
/// twice — the same command plus <c>--resume-from TMP</c>, and (single-pass verbs) the same command plus
/// <c>--block-ids</c> of the failed blocks on a copy of the failed output — and compares both results with the verb's
/// clean run bit for bit. All problems of a drill are reported together.
/// </summary>
internal static class FaultDrills
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Kill/scancel/time-out drill: the fault hits pass <paramref name="pass"/>, then both recoveries.</summary>
    public static void FaultThenRecover(ITestOutputHelper log, string verbName, Backend backend, Fault fault, int pass, params string[] extra)
    {
        var verb = DrillVerbs.Get(verbName);
        var clean = DrillInputs.Get().Clean(verb, backend);
        using var drill = new Drill(log, $"{verb.Name}-{backend}-{fault}-p{pass}".ToLowerInvariant());
        drill.Log($"clean run: {clean.Result.CommandLine} ({clean.Result.Elapsed.TotalSeconds:F1} s)");
        if (fault == Fault.ScancelPending)
        {
            drill.UseThrottle(1); // with 2 tasks per array, the second stays pending while the first runs
        }

        string[] Command(string output, params string[] more) => [.. verb.Arguments(drill.Inputs, output), .. DrillVerbs.BackendArguments(backend, drill.TmpRoot), .. extra, .. more];

        string output = Path.Combine(drill.Root, "run", verb.OutputName);
        var (result, injection) = FaultyRun(drill, () => Command(output), pass, fault, null, fault == Fault.Timeout ? TimeSpan.FromMinutes(5) : RunTimeout);
        var report = CheckFailure(drill, verb, result, injection, output);
        if (fault == Fault.Timeout && !result.Error.Contains("TIMEOUT", StringComparison.Ordinal))
        {
            drill.Problem("the failure does not say that the task hit its time limit (no TIMEOUT on stderr)");
        }

        Recover(drill, verb, clean, report, Command, output);
        drill.AssertNoProblems();
    }

    /// <summary>
    /// Full-disk or read-only drill: the output's file system fills up (a 2 MiB tmpfs) or the output folder turns
    /// read-only while a worker of pass <paramref name="pass"/> is mid-task. The run must fail with exit 1 naming the
    /// output path and keep its temp folder; after the cause is removed, --resume-from must give the clean output.
    /// </summary>
    public static void BrokenOutput(ITestOutputHelper log, string verbName, Backend backend, Fault fault, int pass)
    {
        var verb = DrillVerbs.Get(verbName);
        var clean = DrillInputs.Get().Clean(verb, backend);
        using var drill = new Drill(log, $"{verb.Name}-{backend}-{fault}-p{pass}".ToLowerInvariant());
        string[] Command(string output, params string[] more) => [.. verb.Arguments(drill.Inputs, output), .. DrillVerbs.BackendArguments(backend, drill.TmpRoot), .. more];

        string disk = Path.Combine(drill.Root, "disk");
        string output = Path.Combine(disk, verb.OutputName);
        string filler = Path.Combine(disk, "filler");
        Action<WorkerProcess> breakOutput = fault == Fault.FullDisk
            ? _ =>
            {
                long written = Fill(filler);
                drill.Log($"filled the tmpfs with {written >> 10} KiB");
            }
            : _ => drill.MakeReadOnly(output);
        Action prepare = () =>
        {
            if (Directory.Exists(disk) && Os.IsMountPoint(disk))
            {
                drill.Unmount(disk);
            }

            Directory.CreateDirectory(disk);
            if (fault == Fault.FullDisk)
            {
                drill.MountTmpfs(disk, "2m");
            }
        };

        var (result, injection) = FaultyRun(drill, () => Command(output), pass, fault, breakOutput, RunTimeout, prepare);
        var report = CheckFailure(drill, verb, result, injection, output, checkIds: false);
        if (!result.Error.Contains(output, StringComparison.Ordinal))
        {
            drill.Problem($"the error does not name the output path {output}");
        }

        // Remove the cause, then finish the run.
        if (fault == Fault.FullDisk)
        {
            File.Delete(filler);
        }
        else
        {
            drill.Unmount(output);
        }

        if (report.TmpFolder is { } tmp && Directory.Exists(tmp))
        {
            var resumed = drill.Run("resume after the cause is fixed", Command(output, "--resume-from", tmp));
            if (resumed.ExitCode != 0)
            {
                drill.Problem($"--resume-from exited {resumed.ExitCode}: {LastLine(resumed.Error)}");
            }

            drill.CompareWithClean(clean.Output, ("--resume-from", output));
        }

        drill.AssertNoProblems();
    }

    /// <summary>
    /// Runs the faulty command until the fault hits a task mid-way (at most 3 attempts: an attempt misses when a
    /// slice happened to finish the victim's whole task, or a scancelled task outran its signal), from an empty output
    /// folder and tmp root each time.
    /// </summary>
    private static (CliResult Result, Injection Injection) FaultyRun(Drill drill, Func<string[]> command, int pass, Fault fault, Action<WorkerProcess>? breakOutput, TimeSpan timeout, Action? prepare = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            drill.ClearTmpRoot();
            drill.Folder("run");
            prepare?.Invoke();
            var (result, injection) = drill.RunWithFault($"faulty run, attempt {attempt}", command(), new FaultInjector(drill.TmpRoot, pass, fault, breakOutput), timeout);
            // scancel sends SIGCONT before SIGTERM: a task of microsecond blocks can finish all of them (and succeed) in
            // between. Then nothing was lost and the run rightly succeeds; the attempt missed, like a slice that
            // finished the task.
            bool outran = fault == Fault.ScancelRunning && result.ExitCode == 0;
            if (injection.Applied && !outran)
            {
                return (result, injection);
            }

            if (outran)
            {
                drill.Log($"attempt {attempt}: the task finished its blocks before the scancel took effect (the run succeeded); trying again");
            }

            if (attempt == 3)
            {
                Assert.Fail($"The fault could not be injected mid-task in 3 attempts: {injection.Description}");
            }
        }
    }

    /// <summary>Checks the failed run's exit code and stderr; returns what stderr says.</summary>
    private static FailureReport CheckFailure(Drill drill, DrillVerb verb, CliResult result, Injection injection, string output, bool checkIds = true)
    {
        var report = FailureReport.Parse(result.Error);
        if (result.ExitCode != 1)
        {
            drill.Problem(result.ExitCode == 0
                ? $"the run exited 0 although {injection.Description}: the lost task went unnoticed"
                : $"the failed run exited {result.ExitCode}, not 1");
        }

        if (report.TmpFolder is null)
        {
            drill.Problem("stderr names no kept temp folder");
            return report;
        }

        if (!report.NamesResumeFrom)
        {
            drill.Problem($"stderr has no line with `--resume-from {report.TmpFolder}` (found the folder only as \"temp folder … is kept\")");
        }

        if (!Directory.Exists(report.TmpFolder))
        {
            drill.Problem($"the temp folder {report.TmpFolder} named on stderr does not exist");
        }

        if (!checkIds || !verb.TakesBlockIds)
        {
            return report;
        }

        if (report.FailedIds is null)
        {
            drill.Problem("stderr names no failed block ids");
        }
        else if (report.IdsTruncated)
        {
            drill.Problem($"stderr names only the first {report.FailedIds.Length} failed block ids and then \"…\"; a --block-ids re-run needs all of them");
        }
        else if (injection.VictimUnfinished().Except(report.FailedIds).ToArray() is { Length: > 0 } unnamed)
        {
            drill.Problem($"stderr does not name {unnamed.Length} block(s) that the task hit by the fault did not finish, e.g. {string.Join(", ", unnamed.Take(5))}");
        }

        return report;
    }

    /// <summary>The two recoveries (resume; block ids on a copy of the failed output) and the comparison with the clean run.</summary>
    private static void Recover(Drill drill, DrillVerb verb, CleanRun clean, FailureReport report, Func<string, string[], string[]> command, string output)
    {
        if (report.TmpFolder is null || !Directory.Exists(report.TmpFolder))
        {
            drill.CompareWithClean(clean.Output, ("the failed run (no temp folder to resume from)", output));
            return;
        }

        string? idsOutput = null;
        long[]? ids = null;
        if (verb.TakesBlockIds)
        {
            ids = report.FailedIds is { } listed && !report.IdsTruncated ? listed : FailureReport.MissingFromFolder(report.TmpFolder);
            if (report.FailedIds is null || report.IdsTruncated)
            {
                drill.Log($"block ids for the re-run read from the temp folder instead: {ids.Length} block(s)");
            }

            idsOutput = Path.Combine(drill.Folder("ids"), verb.OutputName);
            if (Directory.Exists(output))
            {
                Drill.CopyTree(output, idsOutput);
            }
        }

        string[] resumeCommand = command(output, ["--resume-from", report.TmpFolder]);
        CliResult resumed;
        CliResult? rerun = null;
        if (idsOutput is not null && ids is { Length: > 0 })
        {
            (resumed, rerun) = drill.RunBoth("resume", resumeCommand, "block-ids re-run", command(idsOutput, ["--block-ids", string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))]));
        }
        else
        {
            resumed = drill.Run("resume", resumeCommand);
        }

        if (resumed.ExitCode != 0)
        {
            drill.Problem($"the same command with --resume-from TMP exited {resumed.ExitCode}: {LastLine(resumed.Error)}");
        }

        if (rerun is not null && rerun.ExitCode != 0)
        {
            drill.Problem($"the same command with --block-ids of the failed blocks exited {rerun.ExitCode}: {LastLine(rerun.Error)}");
        }

        drill.CompareWithClean(clean.Output, [("--resume-from", output), .. idsOutput is null ? Array.Empty<(string, string)>() : [("--block-ids", idsOutput)]]);
    }

    /// <summary>Writes zeros to <paramref name="path"/> page by page until the file system is full; returns the bytes written.</summary>
    private static long Fill(string path)
    {
        var page = new byte[4096];
        long written = 0;
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(page);
                written += page.Length;
            }
        }
        catch (IOException)
        {
            // No space left on device: the file system is full.
        }
        finally
        {
            try
            {
                stream.Dispose();
            }
            catch (IOException)
            {
            }
        }

        return written;
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];
}

/// <summary>
/// Refusal drills: a command that must be refused (exit 2) runs against an existing output, which must survive bit
/// for bit, and must leave nothing in its tmp root.
/// </summary>
internal static class RefusalDrills
{
    public static readonly string[] Common = ["existing-output", "bad-block-shape-rank", "unsafe-block-shape", "missing-input", "resume-from-missing-folder"];

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var verb in DrillVerbs.All)
        {
            foreach (string refusal in Common.Append(verb.TakesBlockIds ? "block-ids-out-of-range" : "block-ids-refused"))
            {
                rows.Add(verb.Name, refusal);
            }

            if (verb.Name is "watershed" or "dt-watershed")
            {
                rows.Add(verb.Name, "wrong-shape-mask");
            }
        }

        return rows;
    }

    public static void Refuse(ITestOutputHelper log, string verbName, string refusal)
    {
        var verb = DrillVerbs.Get(verbName);
        var clean = DrillInputs.Get().Clean(verb, Backend.Subprocess);
        using var drill = new Drill(log, $"{verb.Name}-{refusal}");
        string existing = Path.Combine(drill.Root, "existing", verb.OutputName);
        Drill.CopyTree(clean.Output, existing);
        var before = Drill.Snapshot(existing);
        string[] overwrite = DrillInputs.SupportsOverwrite ? ["--overwrite"] : [];
        string[] backend = DrillVerbs.BackendArguments(Backend.Subprocess, drill.TmpRoot);
        string[] command = verb.Arguments(drill.Inputs, existing);
        string[] arguments = refusal switch
        {
            "existing-output" => [.. command, .. backend],
            "bad-block-shape-rank" => [.. command, .. backend, .. overwrite, "--block-shape", verb.BadRankBlockShape],
            "unsafe-block-shape" => [.. command, .. backend, .. overwrite, "--block-shape", verb.UnsafeBlockShape],
            "missing-input" => [.. ReplaceFirstInput(command, drill.Inputs, Path.Combine(drill.Root, "no-such-input.npy")), .. backend, .. overwrite],
            "resume-from-missing-folder" => [.. command, .. backend, "--resume-from", Path.Combine(drill.TmpRoot, "bioimage_no_such_run")],
            "block-ids-out-of-range" => [.. command, .. backend, "--block-ids", "100000"],
            "block-ids-refused" => [.. command, .. backend, "--block-ids", "0"],
            "wrong-shape-mask" => verb.Name == "watershed"
                ? [.. command.Select(a => a == drill.Inputs.Mask ? drill.Inputs.WrongShapeMask : a), .. backend, .. overwrite]
                : [.. command, .. backend, .. overwrite, "--mask", drill.Inputs.WrongShapeMask],
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
        };

        var result = drill.Run("refused run", arguments, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 2)
        {
            drill.Problem($"the run exited {result.ExitCode}, not 2 (refused as a bad argument)");
        }

        if (result.ExitCode != 0 && !result.Error.StartsWith("error: ", StringComparison.Ordinal))
        {
            drill.Problem($"stderr does not start with \"error: \" but with \"{result.Error.Split('\n')[0]}\": work ran before the command was refused");
        }

        if (Drill.Changes(before, Drill.Snapshot(existing)) is { } changes)
        {
            drill.Problem($"the existing output changed: {changes}");
        }

        if (Directory.EnumerateFileSystemEntries(drill.TmpRoot).ToList() is { Count: > 0 } left)
        {
            drill.Problem($"the refused run left {left.Count} entr(ies) in the tmp root, e.g. {left[0]}");
        }

        drill.AssertNoProblems();
    }

    private static string[] ReplaceFirstInput(string[] command, DrillInputs inputs, string missing)
    {
        int first = Array.FindIndex(command, a => a.StartsWith(inputs.Folder, StringComparison.Ordinal));
        return [.. command.Select((a, i) => i == first ? missing : a)];
    }
}
