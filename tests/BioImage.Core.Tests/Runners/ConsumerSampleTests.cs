using System.Diagnostics;
using System.Reflection;
using BioImage.Storage;

namespace BioImage.Core.Tests.Runners;

/// <summary>
/// A program that references only the library (tests/BioImage.Consumer.Sample, built before this project, no CLI
/// beside it) runs its own block operation, which uses a package the library does not, as a separate process on
/// local worker processes and on the real single-node Slurm cluster (scripts/slurm-up.sh): the library starts its
/// own workers, and they load the program's dependencies. The output is checked voxel by voxel.
/// </summary>
public sealed class ConsumerSampleTests() : RunnerFixture("consumer-")
{
    private static readonly string SampleFolder = Path.Combine(
        RepoPaths.Root, "tests", "BioImage.Consumer.Sample", "bin",
        typeof(ConsumerSampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        new DirectoryInfo(AppContext.BaseDirectory).Name);

    [Theory]
    [InlineData("subprocess")]
    [InlineData("slurm")]
    public void A_program_with_only_the_library_runs_its_own_operation_on_workers(string jobType)
    {
        Assert.True(File.Exists(Path.Combine(SampleFolder, "BioImage.Consumer.Sample.dll")), $"the sample is not built in {SampleFolder}");
        Assert.False(File.Exists(Path.Combine(SampleFolder, "bioimage.dll")), "the sample must not have the CLI beside it");
        string output = Path.Combine(Folder, $"{jobType}.npy");
        string tmpRoot = Directory.CreateDirectory(Path.Combine(Folder, "tmp")).FullName;

        var (code, log) = RunSample(jobType, Input, output, tmpRoot);

        Assert.True(code == 0, $"the sample exited {code}:\n{log}");
        Assert.Contains($"wrote {output}", log, StringComparison.Ordinal);
        using var input = NpyFile.Read<float>(Input);
        using var result = NpyFile.Read<float>(output);
        Assert.Equal(input.Shape.ToArray(), result.Shape.ToArray());
        for (int i = 0; i < input.Span.Length; i++)
        {
            float expected = (input.Span[i] * 3f) + 0.5f;
            Assert.True(result.Span[i] == expected, $"voxel {i}: {result.Span[i]} != {expected}");
        }

        Assert.Empty(Directory.GetFileSystemEntries(tmpRoot));
    }

    /// <summary>Runs the sample in its own dotnet process (no BIOIMAGE_* settings inherited); returns its exit code and output.</summary>
    private static (int ExitCode, string Log) RunSample(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(SampleFolder, "BioImage.Consumer.Sample.dll"));
        foreach (string argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("BIOIMAGE_WORKER");
        start.Environment["BIOIMAGE_NO_CONFIG"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
