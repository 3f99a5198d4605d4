using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace BioImage.Cli.Tests.Drills;

/// <summary>
/// One drill's workspace: a private folder with its tmp root and outputs, its Slurm config, a log of every step
/// (shown by the test runner) and the problems found. Disposing cancels the drill's Slurm jobs (read from the job
/// lists under its tmp root), kills its leftover workers, unmounts what it mounted and deletes the folder.
/// </summary>
internal sealed partial class Drill : IDisposable
{
    private readonly ITestOutputHelper _log;
    private readonly List<string> _mounts = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Drill(ITestOutputHelper log, string name)
    {
        _log = log;
        Inputs = DrillInputs.Get();
        Root = Directory.CreateTempSubdirectory($"drill-{name}-").FullName;
        TmpRoot = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(TmpRoot);
        SlurmConfig = Path.Combine(Root, "slurm.toml");
        UseThrottle(null);
        Log($"drill {name} in {Root}");
    }

    public DrillInputs Inputs { get; }

    public string Root { get; }

    public string TmpRoot { get; }

    public string SlurmConfig { get; }

    public List<string> Problems { get; } = [];

    public Dictionary<string, string?> Environment => DrillInputs.Environment(SlurmConfig);

    /// <summary>Runs Slurm arrays with at most <paramref name="throttle"/> tasks at once (null: no limit).</summary>
    public void UseThrottle(int? throttle) => File.WriteAllText(SlurmConfig, DrillInputs.SlurmConfigText(throttle));

    public void Log(string message) => _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {message}"));

    public void Problem(string message)
    {
        Problems.Add(message);
        Log("PROBLEM: " + message);
    }

    /// <summary>An empty folder <paramref name="name"/> in the workspace (emptied if it exists).</summary>
    public string Folder(string name)
    {
        string path = Path.Combine(Root, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        return Directory.CreateDirectory(path).FullName;
    }

    /// <summary>Empties the tmp root (between attempts of a faulty run).</summary>
    public void ClearTmpRoot()
    {
        CancelSlurmJobs();
        KillLeftoverWorkers();
        Directory.Delete(TmpRoot, recursive: true);
        Directory.CreateDirectory(TmpRoot);
    }

    public CliResult Run(string step, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var result = CliProcess.Run(arguments, Environment, timeout ?? TimeSpan.FromMinutes(3));
        Log($"{step}: {result}");
        return result;
    }

    /// <summary>Runs two commands at once (the two recoveries of a drill, on different outputs).</summary>
    public (CliResult First, CliResult Second) RunBoth(string firstStep, string[] first, string secondStep, string[] second, TimeSpan? timeout = null)
    {
        using var a = CliProcess.Start(first, Environment);
        using var b = CliProcess.Start(second, Environment);
        var ra = a.Wait(timeout ?? TimeSpan.FromMinutes(3));
        var rb = b.Wait(timeout ?? TimeSpan.FromMinutes(3));
        Log($"{firstStep}: {ra}");
        Log($"{secondStep}: {rb}");
        return (ra, rb);
    }

    /// <summary>Runs a command while <paramref name="injector"/> injects its fault into it.</summary>
    public (CliResult Result, Injection Injection) RunWithFault(string step, string[] arguments, FaultInjector injector, TimeSpan timeout)
    {
        using var process = CliProcess.Start(arguments, Environment);
        var injection = Task.Factory.StartNew(() => injector.Inject(process), TaskCreationOptions.LongRunning);
        CliResult result;
        try
        {
            result = process.Wait(timeout);
        }
        finally
        {
            injection.Wait(TimeSpan.FromMinutes(1));
        }

        Log($"{step}: {injection.Result.Description}");
        Log($"{step}: {result}");
        return (result, injection.Result);
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> at <paramref name="path"/> (unmounted on dispose).</summary>
    public void MountTmpfs(string path, string size)
    {
        Directory.CreateDirectory(path);
        Os.Must("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path);
        _mounts.Add(path);
    }

    /// <summary>
    /// Makes <paramref name="path"/> read-only for everyone, root included: chmod does not stop root (CAP_DAC_OVERRIDE)
    /// and chattr +i protects one folder's entries only, so the folder is bind-mounted onto itself read-only.
    /// </summary>
    public void MakeReadOnly(string path)
    {
        Os.Must("mount", "--bind", path, path);
        _mounts.Add(path);
        for (int attempt = 1; ; attempt++)
        {
            // Busy while a file opened through the new mount is still open for writing.
            var (code, output) = Os.Run("mount", "-o", "remount,ro,bind", path, path);
            if (code == 0)
            {
                return;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException($"mount -o remount,ro,bind {path} failed ({code}): {output}");
            }

            Thread.Sleep(50);
        }
    }

    public void Unmount(string path)
    {
        Os.Must("umount", path);
        _mounts.Remove(path);
    }

    /// <summary>Compares outputs with the clean run's, bit for bit (decoded arrays and metadata); differences are problems.</summary>
    public void CompareWithClean(string clean, params (string Step, string Output)[] outputs)
    {
        if (outputs.Length == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Cli.Tests", "Drills", "drill_compare.py"));
        var report = JsonDocument.Parse(Python.Run(script, [clean, .. outputs.Select(o => o.Output)])).RootElement;
        foreach (var (step, output) in outputs)
        {
            var entry = report.GetProperty(output);
            foreach (var note in entry.GetProperty("notes").EnumerateArray())
            {
                Log($"{step}: note: {note.GetString()}");
            }

            var differences = entry.GetProperty("differences").EnumerateArray().Select(d => d.GetString()).ToList();
            if (differences.Count == 0)
            {
                Log($"{step}: the output equals the clean run's bit for bit");
            }

            foreach (string? difference in differences)
            {
                Problem($"after {step}, the output differs from the clean run's: {difference}");
            }
        }

        Log($"compared in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Fails the test with every problem found, or passes.</summary>
    public void AssertNoProblems()
    {
        Log(Problems.Count == 0 ? "drill passed" : $"drill failed with {Problems.Count} problem(s)");
        if (Problems.Count > 0)
        {
            Assert.Fail(string.Join("\n", Problems.Select((p, i) => $"{i + 1}. {p}")));
        }
    }

    /// <summary>Every file under <paramref name="root"/> with the SHA-256 of its bytes (folders end with '/').</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(root))
        {
            files["."] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(root)));
            return files;
        }

        if (!Directory.Exists(root))
        {
            return files;
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, entry);
            files[Directory.Exists(entry) ? relative + "/" : relative] = Directory.Exists(entry) ? string.Empty : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)));
        }

        return files;
    }

    /// <summary>What changed between two snapshots, or null when nothing did.</summary>
    public static string? Changes(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var removed = before.Keys.Except(after.Keys).ToList();
        var added = after.Keys.Except(before.Keys).ToList();
        var changed = before.Keys.Intersect(after.Keys).Where(k => before[k] != after[k]).ToList();
        if (removed.Count + added.Count + changed.Count == 0)
        {
            return null;
        }

        static string List(List<string> names) => $"{names.Count} ({string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", …" : string.Empty)})";
        return $"of {before.Count} entries, {List(removed)} removed, {List(changed)} changed, {List(added)} added";
    }

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    public void Dispose()
    {
        CancelSlurmJobs();
        KillLeftoverWorkers();
        foreach (string mount in Enumerable.Reverse(_mounts).ToList())
        {
            var (code, output) = Os.Run("umount", "-l", mount);
            if (code != 0)
            {
                Log($"umount {mount}: {output}");
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Log($"could not delete {Root}: {error.Message}");
        }
    }

    /// <summary>scancel of every Slurm job recorded under the drill's tmp root (slurm/jobs.json of each run folder).</summary>
    private void CancelSlurmJobs()
    {
        if (!Directory.Exists(TmpRoot))
        {
            return;
        }

        var jobs = Directory.EnumerateFiles(TmpRoot, "jobs.json", SearchOption.AllDirectories)
            .SelectMany(file => JobIds().Matches(File.ReadAllText(file)).Select(m => m.Groups["id"].Value))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (jobs.Length > 0)
        {
            Os.Run("scancel", jobs);
        }
    }

    private void KillLeftoverWorkers()
    {
        foreach (var worker in new WorkerScanner(TmpRoot).Scan())
        {
            Os.Signal(worker.Pid, Os.SigKill);
        }
    }

    [GeneratedRegex("\"JobId\"\\s*:\\s*\"(?<id>[0-9]+)\"")]
    private static partial Regex JobIds();
}

/// <summary>What a failed run's stderr says: the kept temp folder and the failed block ids.</summary>
internal sealed partial record FailureReport(string? TmpFolder, bool NamesResumeFrom, long[]? FailedIds, bool IdsTruncated)
{
    public static FailureReport Parse(string stderr)
    {
        var resume = ResumeFrom().Match(stderr);
        string? tmp = resume.Success ? resume.Groups["tmp"].Value : Kept().Match(stderr) is { Success: true } kept ? kept.Groups["tmp"].Value : null;
        tmp = tmp?.TrimEnd('.', ',', ';', ':', ')', '\'', '"', '`');

        var explicitIds = BlockIdsOption().Match(stderr);
        var listed = FailedList().Match(stderr);
        string? ids = explicitIds.Success ? explicitIds.Groups["ids"].Value : listed.Success ? listed.Groups["ids"].Value : null;
        bool truncated = !explicitIds.Success && listed.Success && listed.Groups["more"].Success;
        return new FailureReport(tmp, resume.Success, ids is null ? null : ParseIds(ids), truncated);
    }

    /// <summary>Ids like "3,7,9" or "3-5, 9" (ranges inclusive).</summary>
    public static long[] ParseIds(string text)
    {
        var ids = new List<long>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                long from = long.Parse(part[..dash], CultureInfo.InvariantCulture), to = long.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
                for (long id = from; id <= to; id++)
                {
                    ids.Add(id);
                }
            }
            else
            {
                ids.Add(long.Parse(part, CultureInfo.InvariantCulture));
            }
        }

        return [.. ids];
    }

    /// <summary>The blocks a kept run folder still misses (blocks/*.json minus progress/*.log), wherever its passes keep them: the fallback when stderr does not list them all.</summary>
    public static long[] MissingFromFolder(string tmp)
    {
        var missing = new SortedSet<long>();
        foreach (string blocksFile in Directory.EnumerateFiles(tmp, "*.json", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "blocks"))
        {
            string task = Path.GetFileNameWithoutExtension(blocksFile);
            string log = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(blocksFile))!, "progress", task + ".log");
            var done = File.Exists(log) ? File.ReadAllText(log) is var text ? text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToHashSet() : [] : [];
            foreach (long id in JsonSerializer.Deserialize<long[]>(File.ReadAllText(blocksFile)) ?? [])
            {
                if (!done.Contains(id))
                {
                    missing.Add(id);
                }
            }
        }

        return [.. missing];
    }

    [GeneratedRegex("--resume-from[ =]['\"`]?(?<tmp>/[^\\s'\"`]+)")]
    private static partial Regex ResumeFrom();

    [GeneratedRegex("temp folder (?<tmp>/\\S+?)[.,;:]?\\s+is kept")]
    private static partial Regex Kept();

    [GeneratedRegex("--block-ids[ =](?<ids>[0-9][0-9,\\-]*)")]
    private static partial Regex BlockIdsOption();

    [GeneratedRegex("block\\(s\\) failed: (?<ids>[0-9][0-9, \\-]*[0-9])(?<more>, …|, \\.\\.\\.)?")]
    private static partial Regex FailedList();
}
