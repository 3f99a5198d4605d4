using BioImage.Operations;
using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Runners;

/// <summary>Tests that change process-wide environment variables run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class ConfigAndSecurityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("config-").FullName;
    private readonly string? _previousConfig = Environment.GetEnvironmentVariable("BIOIMAGE_CONFIG");

    public ConfigAndSecurityTests() => Environment.SetEnvironmentVariable("BIOIMAGE_CONFIG", Path.Combine(_directory, "config.toml"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("BIOIMAGE_CONFIG", _previousConfig);
        Environment.SetEnvironmentVariable("BIOIMAGE_NO_CONFIG", null);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Explicit_values_beat_the_file_which_beats_the_defaults()
    {
        File.WriteAllText(SlurmConfig.ConfigFilePath(), "[slurm]\npartition = \"gpu\"\ntime = \"02:00:00\"\npreamble = [\"module load dotnet\"]\nlatency_wait = 5\n");
        var file = SlurmConfig.Load();
        Assert.Equal("gpu", file.Partition);
        Assert.Equal(["module load dotnet"], file.Preamble);
        Assert.Equal(5, file.LatencyWait);

        var effective = new SlurmConfig { Partition = "cpu" }.Over(file);
        Assert.Equal("cpu", effective.Partition);
        Assert.Equal("02:00:00", effective.Time);
        Assert.Null(effective.Account);

        Environment.SetEnvironmentVariable("BIOIMAGE_NO_CONFIG", "1");
        Assert.Null(SlurmConfig.Load().Partition);
    }

    [Fact]
    public void Unknown_keys_wrong_types_and_bad_toml_are_errors_naming_the_file()
    {
        string path = SlurmConfig.ConfigFilePath();
        File.WriteAllText(path, "[slurm]\npartiton = \"gpu\"\n");
        var unknown = Assert.Throws<InvalidDataException>(SlurmConfig.Load);
        Assert.Contains("unknown key slurm.partiton", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(path, unknown.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "[slurm]\ncpus_per_task = \"four\"\n");
        Assert.Contains("slurm.cpus_per_task has the wrong type", Assert.Throws<InvalidDataException>(SlurmConfig.Load).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "[slurm]\npartition = \n");
        Assert.Contains("is not valid TOML", Assert.Throws<InvalidDataException>(SlurmConfig.Load).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "[slurm]\npartition = \"a b\"\n");
        Assert.Contains("slurm.partition", Assert.Throws<InvalidDataException>(SlurmConfig.Load).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_merges_into_the_slurm_table_and_keeps_other_tables()
    {
        string path = SlurmConfig.ConfigFilePath();
        File.WriteAllText(path, "title = \"mine\"\n[slurm]\npartition = \"gpu\"\naccount = \"lab\"\n[other]\nkey = 1\n");
        SlurmConfig.Save(new SlurmConfig { Partition = "cpu", TmpRoot = "/scratch/me" });
        var saved = SlurmConfig.Load();
        Assert.Equal("cpu", saved.Partition);
        Assert.Equal("lab", saved.Account);
        Assert.Equal("/scratch/me", saved.TmpRoot);
        string text = File.ReadAllText(path);
        Assert.Contains("title = \"mine\"", text, StringComparison.Ordinal);
        Assert.Contains("[other]", text, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SlurmConfig.Save(new SlurmConfig { Qos = "x\ny" }));
    }

    [Fact]
    public void Unknown_config_key_stops_a_slurm_run_before_anything_is_submitted()
    {
        File.WriteAllText(SlurmConfig.ConfigFilePath(), "[slurm]\nfoo = 1\n");
        string input = Path.Combine(_directory, "in.npy");
        using (var volume = SyntheticVolume.Generate<float>([4, 5, 6], blobCount: 1))
        {
            NpyFile.Write(input, volume);
        }

        var output = NpySource.Create(Path.Combine(_directory, "out.npy"), DType.Float32, [4, 5, 6]);
        string tmp = Path.Combine(_directory, "tmp");
        Assert.Throws<InvalidDataException>(() => Runner.Run(new CopyOperation(), [Source.Open(input)], [output], new RunOptions { JobType = JobType.Slurm, TmpRoot = tmp }));
        Assert.False(Directory.Exists(tmp));
    }

    [Theory]
    [InlineData("group-writable")]
    [InlineData("world-writable")]
    [InlineData("foreign-owner")]
    public void A_worker_refuses_a_manifest_in_an_unsafe_folder(string kind)
    {
        // A real, runnable run folder: prepared by a subprocess run that fails and keeps it.
        string input = Path.Combine(_directory, "in.npy");
        using (var volume = SyntheticVolume.Generate<float>([4, 5, 6], blobCount: 1))
        {
            NpyFile.Write(input, volume);
        }

        string marker = Path.Combine(_directory, "fail");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(_directory, "out.npy"), DType.Float32, [4, 5, 6]);
        var error = Assert.Throws<RunnerException>(() => Runner.Run(new FaultyCopyOperation { FailOnBlock = 0, FailWhileExists = marker }, [Source.Open(input)], [output], new RunOptions { JobType = JobType.Subprocess, TmpRoot = Path.Combine(_directory, "tmp") }));
        string folder = error.TmpFolder!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Worker.RunTask(folder, 0);

        switch (kind)
        {
            case "group-writable":
                File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupWrite);
                break;
            case "world-writable":
                File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
                break;
            default:
                using (var chown = System.Diagnostics.Process.Start("chown", ["nobody", folder]))
                {
                    chown.WaitForExit();
                    Assert.Equal(0, chown.ExitCode);
                }

                break;
        }

        var refusal = Assert.Throws<UnauthorizedAccessException>(() => Worker.RunTask(folder, 0));
        Assert.Contains("Refusing to run the manifest", refusal.Message, StringComparison.Ordinal);
    }
}
