using System.Collections.Concurrent;
using System.Globalization;

namespace BioImage.Cli.Tests.Drills;

/// <summary>Where blocks run in a drill.</summary>
public enum Backend
{
    Subprocess,
    Slurm,
}

/// <summary>
/// A verb that writes an array, as the drills run it: a tiny input, an output whose chunks make 100+ small blocks
/// (so that a task is still busy when its first block is done), and what the verb accepts.
/// </summary>
/// <param name="Name">The drill's name of the verb ("filter-NAME" for each filter).</param>
/// <param name="Passes">Runner passes of one run: label 3 (blocks, seams, relabel), size-filter and relabel-consecutive 2
/// (unique, relabel), pyramid one per level, the others 1.</param>
/// <param name="TakesBlockIds">Whether --block-ids re-runs a subset (single-pass verbs); the multi-pass verbs must refuse it.</param>
/// <param name="Arguments">The command line for an output path, without the backend options.</param>
/// <param name="BadRankBlockShape">A --block-shape with the wrong number of axes.</param>
/// <param name="UnsafeBlockShape">A --block-shape that is not a multiple of the output chunks.</param>
internal sealed record DrillVerb(string Name, int Passes, bool TakesBlockIds, Func<DrillInputs, string, string[]> Arguments, string BadRankBlockShape = "8,8", string UnsafeBlockShape = "3,8,8")
{
    /// <summary>The output's file name; every output of a drill (clean, failed, recovered) has this name in its own
    /// folder, since metadata may record it (the pyramid's multiscales name).</summary>
    public string OutputName => Name == "pyramid" ? "out.ome.zarr" : "out.zarr";

    public override string ToString() => Name;
}

/// <summary>The verbs under drill and the command lines they run.</summary>
internal static class DrillVerbs
{
    private const string Chunks = "4,8,8";

    public static readonly string[] Filters =
    [
        "gaussian-smoothing", "gaussian-gradient-magnitude", "laplacian-of-gaussian",
        "hessian-of-gaussian-eigenvalues", "structure-tensor-eigenvalues", "difference-of-gaussians",
    ];

    public static IReadOnlyList<DrillVerb> All { get; } =
    [
        new("copy", 1, true, (i, o) => ["copy", i.Raw, o, "--chunks", Chunks]),
        .. Filters.Select(name => new DrillVerb("filter-" + name, 1, true, (i, o) =>
        [
            "filter", name, i.Raw, o, "--sigma", "1",
            "--chunks", name.EndsWith("eigenvalues", StringComparison.Ordinal) ? "1," + Chunks : Chunks,
            .. name == "structure-tensor-eigenvalues" ? new[] { "--outer-scale", "1" } : [],
        ])),
        new("downsample", 1, true, (i, o) => ["downsample", i.Raw, o, "--factor", "2", "--method", "mean", "--chunks", "2,4,4"], UnsafeBlockShape: "3,4,4"),
        new("pyramid", 3, false, (i, o) => ["pyramid", i.Raw2D, o, "--levels", "3", "--chunks", "2,4"], BadRankBlockShape: "4,4,4", UnsafeBlockShape: "3,4"),
        new("label", 3, false, (i, o) => ["label", i.Foreground, o, "--chunks", Chunks]),
        new("size-filter", 2, false, (i, o) => ["size-filter", i.Labels, o, "--min-size", "3", "--chunks", Chunks]),
        new("relabel-consecutive", 2, false, (i, o) => ["relabel-consecutive", i.Labels, o, "--chunks", Chunks]),
        new("distance-transform", 1, true, (i, o) => ["distance-transform", i.Foreground, o, "--halo", "4", "--chunks", Chunks]),
        new("watershed", 1, true, (i, o) => ["watershed", i.Raw, i.Seeds, o, "--halo", "4", "--mask", i.Mask, "--chunks", Chunks]),
        new("dt-watershed", 1, true, (i, o) => ["dt-watershed", i.Raw, o, "--halo", "4", "--threshold", "30", "--sigma-seeds", "1", "--min-size", "10", "--chunks", Chunks]),
        new("apply", 1, true, (i, o) => ["apply", "add", i.Raw, "--scalar", "1000", o, "--chunks", Chunks]),
        new("isin", 1, true, (i, o) => ["isin", i.Foreground, o, "--values", "1", "--chunks", Chunks]),
        new("segmentation-filter", 1, true, (i, o) => ["segmentation-filter", i.Labels, o, "--assembly", Commands.SegmentationFilterCommandTests.SampleLibrary, "--filter", "BioImage.Filters.Sample.LabelFilters.KeepLabels", "--set", "Labels=1,2,3", "--set", "Invert=true", "--chunks", Chunks]),
    ];

    public static DrillVerb Get(string name) => All.Single(v => v.Name == name);

    /// <summary>Backend options; Slurm's poll interval, grace and throttle come from the drill's config file.</summary>
    public static string[] BackendArguments(Backend backend, string tmpRoot) =>
        ["--job-type", backend == Backend.Slurm ? "slurm" : "subprocess", "--workers", "2", "--tmp-root", tmpRoot];

    /// <summary>
    /// Every (verb, pass) of every verb; with <paramref name="rotate"/> (the default suite for the Slurm faults, to keep
    /// its time in check) each fault takes only every third pass of a multi-pass verb, so that the three Slurm faults
    /// together still interrupt every pass. BIOIMAGE_DRILLS=full gives every row to every fault.
    /// </summary>
    public static TheoryData<string, int> PassRows(int rotate = -1)
    {
        bool full = Environment.GetEnvironmentVariable("BIOIMAGE_DRILLS") == "full";
        var rows = new TheoryData<string, int>();
        foreach (var verb in All)
        {
            for (int pass = 1; pass <= verb.Passes; pass++)
            {
                if (full || rotate < 0 || pass - 1 == rotate % verb.Passes)
                {
                    rows.Add(verb.Name, pass);
                }
            }
        }

        return rows;
    }
}

/// <summary>
/// The drills' inputs, written once per test process into a temp folder: a 32³ float32 volume (the demo's blobs and
/// noise), its foreground (&gt; 25, in every chunk), labels of &gt; 30 (2,000+ components), a seed grid, a watershed
/// mask, a mask of the wrong shape and a 64×64 image for the pyramid. Every output is non-zero in every chunk, so a
/// lost chunk cannot hide as fill value.
/// </summary>
internal sealed class DrillInputs
{
    private static readonly Lazy<DrillInputs> Shared = new(() => new DrillInputs(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<bool> Overwrite = new(() => CliProcess.Run(["copy", "--help"], new Dictionary<string, string?>(), TimeSpan.FromMinutes(1)).Output.Contains("--overwrite", StringComparison.Ordinal));
    private static readonly ConcurrentDictionary<string, Lazy<CleanRun>> CleanRuns = new(StringComparer.Ordinal);

    private DrillInputs()
    {
        // One folder per test process, named by its pid; the test host may be ended without running exit handlers,
        // so folders of test processes that are gone are removed here.
        foreach (string stale in Directory.EnumerateDirectories(Path.GetTempPath(), "bioimage-drills-*"))
        {
            if (int.TryParse(Path.GetFileName(stale)["bioimage-drills-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !Os.IsAlive(pid))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        Folder = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"bioimage-drills-{System.Environment.ProcessId}"));
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        Directory.CreateDirectory(Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        string demo = Path.Combine(Folder, "demo");
        var made = CliProcess.Run(["demo", "--size", "32", "--output-dir", demo], new Dictionary<string, string?> { ["BIOIMAGE_NO_CONFIG"] = "1" }, TimeSpan.FromMinutes(2));
        if (made.ExitCode != 0)
        {
            throw new InvalidOperationException("bioimage demo failed: " + made);
        }

        Python.Run(
            "import sys, numpy as np\n" +
            "from scipy import ndimage as ndi\n" +
            "d = sys.argv[1]; raw = np.load(d + '/demo/raw.npy')\n" +
            "np.save(d + '/raw.npy', raw)\n" +
            "np.save(d + '/foreground.npy', raw > 25)\n" +
            "np.save(d + '/labels.npy', ndi.label(raw > 30)[0].astype(np.uint32))\n" +
            "seeds = np.zeros(raw.shape, np.uint32); seeds[2::8, 2::8, 2::8] = np.arange(1, 65, dtype=np.uint32).reshape(4, 4, 4)\n" +
            "np.save(d + '/seeds.npy', seeds)\n" +
            "np.save(d + '/mask.npy', raw > 5)\n" +
            "np.save(d + '/mask-16.npy', np.ones((16, 16, 16), bool))\n" +
            "np.save(d + '/raw2d.npy', (np.random.default_rng(15).random((64, 64)) * 255).astype(np.float32))\n",
            Folder);
        File.WriteAllText(SlurmConfig, SlurmConfigText(throttle: null));
    }

    public static DrillInputs Get() => Shared.Value;

    /// <summary>Whether this bioimage has --overwrite (creating over an existing output needs it after issue #15's
    /// rewrite; before it, creating replaced the output silently, and the refusal drills then pass no --overwrite).</summary>
    public static bool SupportsOverwrite => Overwrite.Value;

    public string Folder { get; }

    public string Raw => Path.Combine(Folder, "raw.npy");

    public string Foreground => Path.Combine(Folder, "foreground.npy");

    public string Labels => Path.Combine(Folder, "labels.npy");

    public string Seeds => Path.Combine(Folder, "seeds.npy");

    public string Mask => Path.Combine(Folder, "mask.npy");

    public string WrongShapeMask => Path.Combine(Folder, "mask-16.npy");

    public string Raw2D => Path.Combine(Folder, "raw2d.npy");

    public string SlurmConfig => Path.Combine(Folder, "slurm.toml");

    /// <summary>
    /// The [slurm] settings of every drill: poll every 0.2 s, fail a task 1 s after it left the queue without success
    /// (the default 30 s would dominate every drill), and with <paramref name="throttle"/> run at most that many
    /// tasks of an array at once (so that the others stay pending).
    /// </summary>
    public static string SlurmConfigText(int? throttle) =>
        "[slurm]\npoll_interval = 0.2\nlatency_wait = 1\n" + (throttle is { } t ? string.Create(CultureInfo.InvariantCulture, $"throttle = {t}\n") : string.Empty);

    /// <summary>The clean run of a verb on a backend (run once per test process): the reference every drill compares with.</summary>
    public CleanRun Clean(DrillVerb verb, Backend backend) =>
        CleanRuns.GetOrAdd($"{verb.Name}|{backend}", _ => new Lazy<CleanRun>(() => RunClean(verb, backend), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The environment of a drill's bioimage runs: its Slurm config file, nothing from the user.</summary>
    public static Dictionary<string, string?> Environment(string slurmConfig) => new() { ["BIOIMAGE_CONFIG"] = slurmConfig };

    private CleanRun RunClean(DrillVerb verb, Backend backend)
    {
        string folder = Path.Combine(Folder, "clean", $"{verb.Name}-{backend.ToString().ToLowerInvariant()}");
        Directory.CreateDirectory(folder);
        string output = Path.Combine(folder, verb.OutputName);
        string tmpRoot = Path.Combine(folder, "tmp");
        var result = CliProcess.Run([.. verb.Arguments(this, output), .. DrillVerbs.BackendArguments(backend, tmpRoot)], Environment(SlurmConfig), TimeSpan.FromMinutes(5));
        return result.ExitCode == 0
            ? new CleanRun(output, result)
            : throw new InvalidOperationException($"The clean run of {verb.Name} on {backend} failed, so there is nothing to compare with:\n{result}");
    }
}

/// <summary>A verb's clean run: its output and what it printed.</summary>
internal sealed record CleanRun(string Output, CliResult Result);
