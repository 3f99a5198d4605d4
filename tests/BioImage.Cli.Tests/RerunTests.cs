using System.Diagnostics;
using System.Text.Json;
using BioImage.Cli.Tests.Drills;
using BioImage.Testing;

namespace BioImage.Cli.Tests;

/// <summary>
/// What happens around a run, through the command line as users run it (a real <c>bioimage</c> process where a
/// process must die): reattaching to Slurm jobs after the submitting process was killed finishes every pass and
/// reports the result; Ctrl-C on worker processes keeps the temp folder and says how to resume; write safety judges
/// only the block boundaries inside the array. Outputs are compared with a clean run, file for file.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class RerunTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(3)
        raw = ndi.gaussian_filter(rng.random((16, 24, 20)), 1.5)
        np.save(sys.argv[1] + '/foreground.npy', raw > np.quantile(raw, 0.55))
        np.save(sys.argv[1] + '/raw.npy', rng.integers(0, 255, (32, 32, 32), dtype=np.uint8))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("cli-rerun-").FullName;

    public RerunTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("label", "components")]
    [InlineData("stats", "mean")]
    [InlineData("dice", "dice")]
    [InlineData("evaluate", "centroidF1")]
    public void Reattach_after_the_submitting_process_died_finishes_every_pass_and_reports_the_result(string verb, string field)
    {
        string tmp = Directory.CreateDirectory(P($"tmp-{verb}")).FullName;
        string[] common = ["--block-shape", "4,4,4", "--workers", "2", "--json", "--zarr-format", "2"];
        string[] arguments = verb switch
        {
            "label" => ["label", P("foreground.npy"), P("label-slurm.zarr")],
            "dice" => ["dice", P("foreground.npy"), P("foreground.npy"), "--threshold-seg", "none"],
            "evaluate" => ["evaluate", P("foreground.npy"), P("foreground.npy"), "--metrics", "vi,centroid", "--distance-threshold", "1"],
            _ => ["stats", P("foreground.npy")],
        };
        string[] options = verb == "label" ? common : common[..^2];
        var clean = CliTests.Run([.. (verb == "label" ? new[] { "label", P("foreground.npy"), P("label-clean.zarr") } : arguments), .. options]);
        Assert.True(clean.ExitCode == 0, clean.Error);

        using var orphan = Bioimage([.. arguments, .. options, "--job-type", "slurm", "--tmp-root", tmp]);
        string jobs = WaitFor(() => Directory.GetFiles(tmp, "jobs.json", SearchOption.AllDirectories).FirstOrDefault(), TimeSpan.FromSeconds(60));
        orphan.Kill(entireProcessTree: false);
        orphan.WaitForExit();
        string run = Directory.GetDirectories(tmp).Single();
        Assert.Contains(Path.Combine(run, "passes", "1"), jobs, StringComparison.Ordinal);

        var (code, output, error) = CliTests.Run("reattach", run, "--json");
        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(verb, report.GetProperty("operation").GetString());
        Assert.Equal(run, report.GetProperty("resumedFrom").GetString());
        Assert.Equal(JsonDocument.Parse(clean.Output).RootElement.GetProperty(field).GetRawText(), report.GetProperty(field).GetRawText());
        Assert.False(Directory.Exists(run), "a finished run removes its temp folder");
        if (verb == "label")
        {
            AssertSameFiles(P("label-clean.zarr"), P("label-slurm.zarr"));
        }
    }

    [Fact]
    public void Ctrl_c_on_worker_processes_keeps_the_temp_folder_names_it_and_a_resume_finishes_the_run()
    {
        string tmp = Directory.CreateDirectory(P("tmp-sigint")).FullName;
        string[] copy = ["copy", P("raw.npy"), "--block-shape", "2,2,2", "--zarr-format", "2", "--codec", "raw"];
        Assert.Equal(0, CliTests.Run([.. copy.Take(2), P("clean.zarr"), .. copy[2..], "-q"]).ExitCode);

        using var process = Bioimage([.. copy.Take(2), P("cancelled.zarr"), .. copy[2..], "--job-type", "subprocess", "--workers", "2", "--tmp-root", tmp]);

        // The first worker is held stopped (before its first block: a worker needs 100+ ms to start), so the run cannot
        // finish before Ctrl-C however fast the machine; the cancelled run kills it with SIGKILL, which a stopped process
        // obeys. Ctrl-C comes once the other worker has logged finished blocks.
        var scanner = new WorkerScanner(tmp);
        var held = WaitFor(() => scanner.Scan().FirstOrDefault(), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(1));
        Assert.True(Os.Stop(held.Pid), "the first worker could not be stopped");
        WaitFor(() => Directory.GetFiles(tmp, "*.log", SearchOption.AllDirectories).FirstOrDefault(f => new FileInfo(f).Length > 0), TimeSpan.FromSeconds(60));
        using (var signal = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(1, process.ExitCode);
        string run = Directory.GetDirectories(tmp).Single();
        Assert.Contains($"--resume-from {run}", error, StringComparison.Ordinal);
        Assert.Contains("cancelled", error, StringComparison.Ordinal);

        var (code, _, resumeError) = CliTests.Run([.. copy.Take(2), P("cancelled.zarr"), .. copy[2..], "--resume-from", run, "-q"]);
        Assert.True(code == 0, resumeError);
        AssertSameFiles(P("clean.zarr"), P("cancelled.zarr"));
    }

    [Fact]
    public void Write_safety_judges_only_boundaries_inside_the_array_and_never_proposes_more_than_the_array()
    {
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], np.random.default_rng(1).random((70, 96, 83)).astype(np.float32))", P("odd.npy"));
        string[] filter = ["filter", "gaussian-smoothing", P("odd.npy"), P("smooth.zarr"), "--sigma", "1", "--chunks", "32,32,32", "-q"];
        var (code, _, error) = CliTests.Run([.. filter, "--block-shape", "70,96,83"]);
        Assert.True(code == 0, error);

        (code, _, error) = CliTests.Run([.. filter, "--block-shape", "40,96,50", "--overwrite"]);
        Assert.Equal(2, code);
        Assert.Contains("Use e.g. --block-shape 64,96,64.", error, StringComparison.Ordinal);
        (code, _, error) = CliTests.Run([.. filter, "--block-shape", "50,96,83", "--overwrite"]);
        Assert.Equal(2, code);
        Assert.Contains("Use e.g. --block-shape 64,96,83.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_exception_inside_a_run_is_an_internal_error_with_exit_3_not_a_usage_error()
    {
        // A run folder whose recorded operation has a bug: its run throws ArgumentException, as a kernel bug might.
        string run = Directory.CreateDirectory(P("faulty-run")).FullName;
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(run, "run.json"), JsonSerializer.Serialize(new
        {
            version = 1,
            verb = "faulty",
            operation = new { type = typeof(FaultyOperation).FullName, assembly = typeof(FaultyOperation).Assembly.Location, parameters = new { } },
            inputs = Array.Empty<object>(),
            outputs = Array.Empty<object>(),
            blockShape = new long[] { 1 },
            jobType = "Subprocess",
            workers = 1,
        }));
        var (code, _, error) = CliTests.Run("stats", P("raw.npy"), "--resume-from", run);
        Assert.Equal(3, code);
        Assert.Contains("a deliberate bug", error, StringComparison.Ordinal);
        Assert.Contains("BIOIMAGE_DEBUG=1", error, StringComparison.Ordinal);
        Assert.Contains("note: --resume-from finishes the run recorded", error, StringComparison.Ordinal);
    }

    /// <summary>Starts the built <c>bioimage</c> as its own process (stdout and stderr redirected).</summary>
    private static Process Bioimage(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bioimage.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static T WaitFor<T>(Func<T?> probe, TimeSpan timeout, TimeSpan? poll = null)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Thread.Sleep(poll ?? TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"Nothing appeared within {timeout.TotalSeconds} s.");
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var files = Directory.GetFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs from the clean run");
        }
    }
}

/// <summary>An operation whose run has a bug (for the exit-code test).</summary>
public sealed class FaultyOperation : BioImage.Operations.Operation<BioImage.Operations.Written>
{
    /// <inheritdoc />
    public override string Name => "faulty";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<BioImage.Sources.ISource> inputs)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<BioImage.Sources.ArrayLayout> Outputs(IReadOnlyList<BioImage.Sources.ISource> inputs) => [];

    /// <inheritdoc />
    public override BioImage.Operations.Written Run(BioImage.Operations.OperationRun run) => throw new ArgumentException("a deliberate bug");
}
