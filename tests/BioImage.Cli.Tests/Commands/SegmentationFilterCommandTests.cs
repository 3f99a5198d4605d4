using System.Globalization;
using System.Reflection;
using System.Text.Json;
using BioImage.Cli.Tests.Drills;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage segmentation-filter</c> as a user runs it (the built <c>bioimage</c> as its own process) with a filter
/// library of their own (tests/BioImage.Filters.Sample, built before this project and loaded from its .dll): on
/// threads, worker processes and the real Slurm cluster, a top-level and a nested filter class, odd 13×17×19 volumes
/// cut into 4×5×6 blocks, int32, uint16 and uint64 labels above 2^60, with and without a mask. numpy's whole-volume
/// expression of each filter's documented effect is the oracle; out-of-mask voxels keep the output's earlier values.
/// Every refusal exits 2 before anything is written and names the option.
/// </summary>
public sealed class SegmentationFilterCommandTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        rng = np.random.default_rng(17)
        shape = (13, 17, 19)
        np.save(sys.argv[1] + '/int32.npy', rng.integers(0, 30, shape).astype(np.int32))
        np.save(sys.argv[1] + '/uint16.npy', rng.integers(0, 30, shape).astype(np.uint16))
        np.save(sys.argv[1] + '/uint64.npy', (np.uint64(2**60) + rng.integers(0, 30, shape).astype(np.uint64)))
        np.save(sys.argv[1] + '/float32.npy', rng.random(shape).astype(np.float32))
        np.save(sys.argv[1] + '/mask.npy', rng.random(shape) < 0.6)
        """;

    /// <summary>For each filter: its --filter name, its --set arguments (given the labels' offset) and numpy's expression of its effect on <c>a</c>.</summary>
    private static readonly Dictionary<string, (string Type, Func<long, string[]> Settings, string Removes)> Filters = new(StringComparer.Ordinal)
    {
        ["top"] = ("BioImage.Filters.Sample.ZeroLabelsBelow", offset => ["--set", Invariant($"Threshold={offset + 12}")], "a < offset + a.dtype.type(12)"),
        ["nested"] = ("BioImage.Filters.Sample.LabelFilters.KeepLabels", offset => ["--set", Invariant($"labels={offset + 3},{offset + 7},{offset + 29}"), "--set", "Invert=true"], "np.isin(a, np.array([3, 7, 29], a.dtype) + offset)"),
        ["nested+"] = ("BioImage.Filters.Sample.LabelFilters+KeepLabels", offset => ["--set", Invariant($"Labels={offset + 1},{offset + 2},{offset + 5},{offset + 11}")], "~np.isin(a, np.array([1, 2, 5, 11], a.dtype) + offset)"),
    };

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-segfilter-").FullName;

    public SegmentationFilterCommandTests()
    {
        Python.Run(MakeInputs, _folder);

        // Slurm is polled every 0.2 s as in the drills (the default interval would dominate these small runs).
        File.WriteAllText(P("slurm.toml"), DrillInputs.SlurmConfigText(throttle: null));
    }

    /// <summary>The sample filter library, as its project builds it beside this test project's configuration.</summary>
    public static string SampleLibrary { get; } = Path.Combine(
        RepoPaths.Root, "tests", "BioImage.Filters.Sample", "bin",
        typeof(SegmentationFilterCommandTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        new DirectoryInfo(AppContext.BaseDirectory).Name, "BioImage.Filters.Sample.dll");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("local", "top", "int32", false)]
    [InlineData("local", "nested", "uint16", true)]
    [InlineData("subprocess", "nested", "uint64", true)]
    [InlineData("subprocess", "nested+", "int32", false, true)]
    [InlineData("subprocess", "top", "uint64", false)]
    [InlineData("slurm", "nested", "int32", true)]
    [InlineData("slurm", "top", "uint16", true)]
    public void Output_equals_numpy_on_the_whole_volume_and_leaves_out_of_mask_voxels_unchanged(string jobType, string filter, string dtype, bool masked, bool relativeLibrary = false)
    {
        // A relative --assembly is relative to bioimage's working directory (the temp folder); workers get it absolute.
        string library = relativeLibrary ? Path.GetRelativePath(Path.GetTempPath(), SampleLibrary) : SampleLibrary;
        long offset = dtype == "uint64" ? 1L << 60 : 0;
        var (type, settings, removes) = Filters[filter];
        string input = P($"{dtype}.npy"), output = P($"out-{jobType}-{filter}-{dtype}.zarr");
        string[] common = ["segmentation-filter", input, output, "--assembly", library, "--block-shape", "4,5,6", "--workers", "2", "--job-type", jobType, "--tmp-root", Directory.CreateDirectory(P("tmp")).FullName];
        if (masked)
        {
            // The output first holds another filter's result; the masked run replaces only the voxels inside the mask.
            var before = Run([.. common, "--filter", Filters["nested+"].Type, .. Filters["nested+"].Settings(offset), "--chunks", "4,5,6", "--zarr-format", "2", "--quiet"]);
            Assert.True(before.ExitCode == 0, before.ToString());
        }

        string[] run = masked ? [.. common, "--mask", P("mask.npy"), "--block-ids", "0-63"] : [.. common, "--chunks", "4,5,6", "--zarr-format", "2"];
        var result = Run([.. run, "--filter", type, .. settings(offset), "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Output);
        Assert.Equal("segmentation-filter", report.RootElement.GetProperty("operation").GetString());
        Assert.Equal(type.Replace(".KeepLabels", "+KeepLabels", StringComparison.Ordinal), report.RootElement.GetProperty("filter").GetString());
        string verdict = Python.Run(
            $$"""
            import sys, numpy as np, zarr
            a = np.load(sys.argv[1]); out = zarr.open(sys.argv[2], mode='r')[...]; offset = a.dtype.type({{offset}})
            m = np.load(sys.argv[3]) if sys.argv[4] == 'True' else np.ones(a.shape, bool)
            before = np.where(~np.isin(a, np.array([1, 2, 5, 11], a.dtype) + offset), 0, a) if sys.argv[4] == 'True' else np.zeros_like(a)
            removed = {{removes}}
            expected = np.where(m, np.where(removed, 0, a), before)
            informative = (m & removed & (a != 0)).any() and (m & ~removed).any() and (~m & (before != np.where(removed, 0, a))).any() == (sys.argv[4] == 'True')
            print('ok' if out.dtype == a.dtype and np.array_equal(out, expected) and informative else f'differ: {int((out != expected).sum())} voxels, informative {informative}')
            """,
            input, output, P("mask.npy"), masked.ToString()).Trim();
        Assert.Equal("ok", verdict);
        Assert.Empty(Directory.GetFileSystemEntries(P("tmp")));
    }

    [Fact]
    public void Reattach_after_the_submitting_process_died_gives_the_clean_runs_bytes()
    {
        string tmp = Directory.CreateDirectory(P("tmp-reattach")).FullName;
        string[] Command(string output) => ["segmentation-filter", P("uint64.npy"), output, "--assembly", SampleLibrary, "--filter", Filters["nested"].Type, .. Filters["nested"].Settings(1L << 60), "--block-shape", "4,5,6", "--chunks", "4,5,6", "--zarr-format", "2", "--workers", "2"];
        var clean = Run([.. Command(P("clean.zarr")), "--quiet"]);
        Assert.True(clean.ExitCode == 0, clean.ToString());

        using (var orphan = CliProcess.Start([.. Command(P("reattached.zarr")), "--job-type", "slurm", "--tmp-root", tmp], new Dictionary<string, string?> { ["BIOIMAGE_CONFIG"] = P("slurm.toml") }))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.GetFiles(tmp, "jobs.json", SearchOption.AllDirectories).Length == 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !orphan.HasExited, "the Slurm run submitted no jobs: " + orphan.ErrorSoFar);
                Thread.Sleep(50);
            }
        }

        string run = Directory.GetDirectories(tmp).Single();
        var reattached = Run(["reattach", run, "--json"]);
        Assert.True(reattached.ExitCode == 0, reattached.ToString());
        using var report = JsonDocument.Parse(reattached.Output);
        Assert.Equal(run, report.RootElement.GetProperty("resumedFrom").GetString());
        Assert.Equal("BioImage.Filters.Sample.LabelFilters+KeepLabels", report.RootElement.GetProperty("filter").GetString());
        var files = Directory.GetFiles(P("clean.zarr"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(P("clean.zarr"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(P("reattached.zarr"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(P("reattached.zarr"), f)).Order(StringComparer.Ordinal));
        Assert.All(files, file => Assert.True(File.ReadAllBytes(Path.Combine(P("clean.zarr"), file)).SequenceEqual(File.ReadAllBytes(Path.Combine(P("reattached.zarr"), file))), $"{file} differs from the clean run"));
        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [InlineData("--assembly: ", "missing.dll", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow")]
    [InlineData("is not a .NET assembly", "not-net.dll", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow")]
    [InlineData("--filter: name the filter to run; the filters in", "sample")]
    [InlineData("--filter: ", "sample", "--filter", "BioImage.Filters.Sample.NoSuchFilter")]
    [InlineData("is not a BioImage.Operations.SegmentationFilter", "sample", "--filter", "BioImage.Filters.Sample.LabelFilters")]
    [InlineData("--filter: BioImage.Filters.Sample.LabelFilters.NeedsArguments has no public parameterless constructor", "sample", "--filter", "BioImage.Filters.Sample.LabelFilters.NeedsArguments")]
    [InlineData("--set Below: BioImage.Filters.Sample.ZeroLabelsBelow has no settable property Below; its properties are Threshold (long)", "sample", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow", "--set", "Below=3")]
    [InlineData("--set Threshold=1.5: Threshold takes a long (an integer from -9223372036854775808 to 9223372036854775807); '1.5' is not one", "sample", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow", "--set", "Threshold=1.5")]
    [InlineData("--set: 'Threshold' is not NAME=VALUE", "sample", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow", "--set", "Threshold")]
    [InlineData("--set Threshold is given twice", "sample", "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow", "--set", "Threshold=1", "--set", "threshold=2")]
    [InlineData("--set Invert=maybe: Invert takes a bool (true or false)", "sample", "--filter", "BioImage.Filters.Sample.LabelFilters+KeepLabels", "--set", "Invert=maybe")]
    [InlineData("--set Labels=1,x: Labels takes a long (an integer from -9223372036854775808 to 9223372036854775807); 'x' is not one", "sample", "--filter", "BioImage.Filters.Sample.LabelFilters.KeepLabels", "--set", "Labels=1,x")]
    [InlineData("--filter: BioImage.Operations.SegmentationFilter is abstract", "core", "--filter", "BioImage.Operations.SegmentationFilter")]
    [InlineData("BioImage.Core.dll defines no class derived from BioImage.Operations.SegmentationFilter", "core")]
    [InlineData("Option '--assembly' is required", null)]
    public void Refusals_exit_2_before_anything_is_written_and_name_the_option(string expected, string? assembly, params string[] options)
    {
        File.WriteAllText(P("not-net.dll"), "not an assembly");
        string[] library = assembly switch
        {
            null => [],
            "sample" => ["--assembly", SampleLibrary],
            "core" => ["--assembly", Path.Combine(AppContext.BaseDirectory, "BioImage.Core.dll")],
            _ => ["--assembly", P(assembly)],
        };
        var result = Run(["segmentation-filter", P("int32.npy"), P("refused.zarr"), .. library, .. options]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("refused.zarr")), "a refused run wrote its output");
    }

    [Fact]
    public void A_float_segmentation_is_refused_naming_the_input()
    {
        var result = Run(["segmentation-filter", P("float32.npy"), P("refused.zarr"), "--assembly", SampleLibrary, "--filter", "BioImage.Filters.Sample.ZeroLabelsBelow"]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"segmentation-filter needs labels of an integer dtype; {P("float32.npy")} holds float32", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("refused.zarr")));
    }

    private CliResult Run(string[] arguments) =>
        CliProcess.Run(arguments, new Dictionary<string, string?> { ["BIOIMAGE_CONFIG"] = P("slurm.toml") }, Timeout);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
