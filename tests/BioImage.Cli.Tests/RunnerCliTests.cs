using System.Text.Json;
using BioImage.Cli;

namespace BioImage.Cli.Tests;

[CollectionDefinition(nameof(CliEnvironment), DisableParallelization = true)]
public sealed class CliEnvironment;

/// <summary>The runner through the command line: every backend, failures with exit code 1, config and reattach.</summary>
[Collection(nameof(CliEnvironment))]
public sealed class RunnerCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cli-runner-").FullName;
    private readonly string? _previousConfig = Environment.GetEnvironmentVariable("BIOIMAGE_CONFIG");

    public RunnerCliTests() => Environment.SetEnvironmentVariable("BIOIMAGE_CONFIG", Path.Combine(_directory, "config.toml"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("BIOIMAGE_CONFIG", _previousConfig);
        Directory.Delete(_directory, recursive: true);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BioImageCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("local")]
    [InlineData("subprocess")]
    [InlineData("slurm")]
    public void Stats_agree_on_every_backend(string jobType)
    {
        string input = RepoPaths.TestData("npy", "odd_1x7x300_float32.npy");
        var (code, output, error) = Run("stats", input, "--block-shape", "1,3,64", "--workers", "3", "--job-type", jobType, "--tmp-root", Path.Combine(_directory, "tmp"), "--json");
        Assert.True(code == 0, error);
        var (_, reference, _) = Run("stats", input, "--block-shape", "1,3,64", "--workers", "1", "--json");
        Assert.Equal(JsonDocument.Parse(reference).RootElement.GetProperty("std").GetDouble(), JsonDocument.Parse(output).RootElement.GetProperty("std").GetDouble());
    }

    /// <summary>
    /// BIOIMAGE_WORKER still chooses the worker: the CLI's own <c>bioimage worker</c> verb (its .dll, started through
    /// the dotnet host) runs the tasks and gives the local result; a path that does not exist is named in the error.
    /// </summary>
    [Theory]
    [InlineData("subprocess")]
    [InlineData("slurm")]
    public void Bioimage_worker_overrides_the_library_worker(string jobType)
    {
        string input = RepoPaths.TestData("npy", "odd_1x7x300_float32.npy");
        string[] stats = ["stats", input, "--block-shape", "1,3,64", "--workers", "2", "--job-type", jobType, "--tmp-root", Path.Combine(_directory, "tmp"), "--json"];
        string? previous = Environment.GetEnvironmentVariable("BIOIMAGE_WORKER");
        try
        {
            Environment.SetEnvironmentVariable("BIOIMAGE_WORKER", typeof(BioImageCommand).Assembly.Location);
            var (code, output, error) = Run(stats);
            Assert.True(code == 0, error);
            var (_, reference, _) = Run("stats", input, "--block-shape", "1,3,64", "--json");
            Assert.Equal(JsonDocument.Parse(reference).RootElement.GetProperty("std").GetDouble(), JsonDocument.Parse(output).RootElement.GetProperty("std").GetDouble());

            string missing = Path.Combine(_directory, "no-such-worker");
            Environment.SetEnvironmentVariable("BIOIMAGE_WORKER", missing);
            var (missingCode, _, missingError) = Run(stats);
            Assert.NotEqual(0, missingCode);
            Assert.Contains($"BIOIMAGE_WORKER names {missing}", missingError, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BIOIMAGE_WORKER", previous);
        }
    }

    [Fact]
    public void Config_slurm_writes_the_file_and_runs_use_it()
    {
        var (code, output, error) = Run("config", "slurm", "--partition", "debug", "--tmp-root", Path.Combine(_directory, "shared"), "--preamble", "export BIOIMAGE_TEST=1", "--latency-wait", "2");
        Assert.True(code == 0, error);
        Assert.Contains("wrote", output, StringComparison.Ordinal);
        var shown = JsonDocument.Parse(Run("config", "slurm", "--show").Output).RootElement.GetProperty("slurm");
        Assert.Equal("debug", shown.GetProperty("partition").GetString());

        // No --tmp-root on the command line: the configured one is used.
        var (statsCode, _, statsError) = Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--job-type", "slurm", "--block-shape", "2,3,4");
        Assert.True(statsCode == 0, statsError);
        Assert.True(Directory.Exists(Path.Combine(_directory, "shared")));

        var (badCode, _, badError) = Run("config", "slurm", "--partition", "a\nb");
        Assert.Equal(2, badCode);
        Assert.Contains("slurm.partition", badError, StringComparison.Ordinal);
    }

    [Fact]
    public void Slurm_without_tmp_root_and_bad_job_type_are_bad_arguments()
    {
        var (code, _, error) = Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--job-type", "slurm");
        Assert.Equal(2, code);
        Assert.Contains("tmp_root", error, StringComparison.Ordinal);
        Assert.Equal(2, Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--job-type", "cloud").ExitCode);
        Assert.Equal(2, Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--block-ids", "1,x").ExitCode);
        Assert.Contains("not both", Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--job-type", "subprocess", "--block-ids", "1", "--resume-from", _directory).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reattach_refuses_a_folder_that_is_not_a_run()
    {
        var (code, _, error) = Run("reattach", _directory);
        Assert.Equal(2, code);
        Assert.Contains("not the temp folder of a bioimage run", error, StringComparison.Ordinal);
    }
}
