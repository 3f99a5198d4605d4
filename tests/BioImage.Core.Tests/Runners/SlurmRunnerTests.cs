using System.Diagnostics;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Runners;

/// <summary>
/// The Slurm backend on the real single-node cluster that scripts/slurm-up.sh starts (the test script runs it).
/// 64 blocks in 3 array tasks: task 0 = blocks 0..21, task 1 = 22..42, task 2 = 43..63.
/// </summary>
public sealed class SlurmRunnerTests() : RunnerFixture("slurm-")
{
    [Fact]
    public void Copy_halo_and_reduce_equal_the_local_results()
    {
        var options = Options(3);
        var copy = NpySource.Create(Path.Combine(Folder, "copy.npy"), DType.Float32, Shape);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [copy], options);
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(copy.Spec.Path));

        var local = NpySource.Create(Path.Combine(Folder, "max-local.npy"), DType.Float32, Shape);
        var slurm = NpySource.Create(Path.Combine(Folder, "max-slurm.npy"), DType.Float32, Shape);
        Runner.Run(new MaxFilterOperation(), [Source.Open(Input)], [local], options with { JobType = JobType.Local });
        Runner.Run(new MaxFilterOperation(), [Source.Open(Input)], [slurm], options);
        Assert.Equal(File.ReadAllBytes(local.Spec.Path), File.ReadAllBytes(slurm.Spec.Path));

        Assert.Equal(Stats.Compute(Source.Open(Input), options with { JobType = JobType.Local }), Stats.Compute(Source.Open(Input), options));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i * i), Runner.Map(new SquareOperation(), 10, options with { BlockShape = null }).Select(r => r.Value));
        Assert.Empty(Directory.GetDirectories(options.TmpRoot!));
    }

    [Theory]
    [InlineData("throw", "injected failure on block 30")]
    [InlineData("kill", "ended without success")]
    public void A_failing_task_names_its_blocks_and_resume_finishes(string mode, string reason)
    {
        string marker = Path.Combine(Folder, "fail-now");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, $"{mode}.npy"), DType.Float32, Shape);
        var operation = new FaultyCopyOperation { FailOnBlock = 30, FailWhileExists = marker, Mode = mode };
        var error = Assert.Throws<RunnerException>(() => Runner.Run(operation, [Source.Open(Input)], [output], Options(3)));
        Assert.Equal(Enumerable.Range(30, 13).Select(i => (long)i), error.FailedBlockIds);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(error.TmpFolder));

        File.Delete(marker);
        Runner.Run(operation, [Source.Open(Input)], [output], Options(3) with { ResumeFrom = error.TmpFolder });
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Fact]
    public void A_task_over_its_time_limit_fails_with_timeout_and_resume_finishes()
    {
        string marker = Path.Combine(Folder, "hang");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, "timeout.npy"), DType.Float32, Shape);
        var operation = new FaultyCopyOperation { FailOnBlock = 50, FailWhileExists = marker, Mode = "hang" };
        var options = Options(3) with { Slurm = Config() with { Time = "00:01:00" } };
        var error = Assert.Throws<RunnerException>(() => Runner.Run(operation, [Source.Open(Input)], [output], options));
        Assert.Equal(Enumerable.Range(50, 14).Select(i => (long)i), error.FailedBlockIds);
        Assert.Contains("TIMEOUT", error.Message, StringComparison.Ordinal);

        File.Delete(marker);
        Runner.Run(operation, [Source.Open(Input)], [output], options with { ResumeFrom = error.TmpFolder });
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Fact]
    public async Task A_pending_task_cancelled_with_scancel_is_detected_not_waited_for()
    {
        string marker = Path.Combine(Folder, "hold");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, "cancelled.npy"), DType.Float32, Shape);
        var operation = new FaultyCopyOperation { FailOnBlock = 0, FailWhileExists = marker, Mode = "hang" };
        var options = Options(3) with { Slurm = Config() with { Throttle = 1 } };
        var run = Task.Run(() => Runner.Run(operation, [Source.Open(Input)], [output], options));

        string jobId = WaitForJobId(options.TmpRoot!);
        using (var scancel = Process.Start("scancel", $"{jobId}_2"))
        {
            await scancel.WaitForExitAsync();
            Assert.Equal(0, scancel.ExitCode);
        }

        await Task.Delay(500);
        File.Delete(marker);

        var error = await Assert.ThrowsAsync<RunnerException>(() => run.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(Enumerable.Range(43, 21).Select(i => (long)i), error.FailedBlockIds);
        Assert.Contains("vanished", error.Message, StringComparison.Ordinal);
        Runner.Run(operation, [Source.Open(Input)], [output], options with { ResumeFrom = error.TmpFolder });
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Fact]
    public async Task Cancelling_a_run_scancels_its_job_and_says_so()
    {
        string marker = Path.Combine(Folder, "hold");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, "aborted.npy"), DType.Float32, Shape);
        using var cancel = new CancellationTokenSource();
        var options = Options(3) with { Cancellation = cancel.Token };
        var run = Task.Run(() => Runner.Run(new FaultyCopyOperation { FailOnBlock = 0, FailWhileExists = marker, Mode = "hang" }, [Source.Open(Input)], [output], options));
        string jobId = WaitForJobId(options.TmpRoot!);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromMinutes(1)));
        File.Delete(marker);
        Assert.Contains($"scancel was sent to Slurm job(s) {jobId}", error.Message, StringComparison.Ordinal);
        using var squeue = Process.Start(new ProcessStartInfo("squeue", ["-h", "-j", jobId, "-t", "PENDING,RUNNING"]) { RedirectStandardOutput = true })!;
        string queued = await squeue.StandardOutput.ReadToEndAsync();
        await squeue.WaitForExitAsync();
        Assert.Equal(string.Empty, queued.Trim());
    }

    [Fact]
    public void Work_larger_than_MaxArraySize_is_split_into_several_arrays()
    {
        var options = Options(5) with { Slurm = Config() with { MaxArraySize = 2 } };
        var output = NpySource.Create(Path.Combine(Folder, "split.npy"), DType.Float32, Shape);
        var marker = Path.Combine(Folder, "keep-folder");
        File.WriteAllText(marker, string.Empty);
        var error = Assert.Throws<RunnerException>(() => Runner.Run(new FaultyCopyOperation { FailOnBlock = 63, FailWhileExists = marker }, [Source.Open(Input)], [output], options));
        var jobs = JsonDocument.Parse(File.ReadAllText(Path.Combine(error.TmpFolder!, "slurm", "jobs.json"))).RootElement;
        Assert.Equal(3, jobs.GetArrayLength());
        Assert.Equal(new long[] { 63 }, error.FailedBlockIds);
        File.Delete(marker);
        Runner.Run(new FaultyCopyOperation { FailOnBlock = 63, FailWhileExists = marker }, [Source.Open(Input)], [output], options with { ResumeFrom = error.TmpFolder });
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Fact]
    public void Paths_with_quotes_spaces_and_dollars_reach_the_worker_intact()
    {
        var options = Options(2) with { TmpRoot = Path.Combine(Folder, "it's a $(tmp) `dir`") };
        var output = NpySource.Create(Path.Combine(Folder, "quoted.npy"), DType.Float32, Shape);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], options);
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Theory]
    [InlineData("partition", "debug\n#SBATCH --uid=0")]
    [InlineData("job_name", "$(touch /tmp/pwned)")]
    [InlineData("account", "a;rm -rf /")]
    [InlineData("time", "1:00\nrm")]
    [InlineData("preamble", "module load x\necho injected")]
    public void Injection_through_config_values_is_refused_before_submitting(string key, string value)
    {
        var config = key switch
        {
            "partition" => Config() with { Partition = value },
            "job_name" => Config() with { JobName = value },
            "account" => Config() with { Account = value },
            "time" => Config() with { Time = value },
            _ => Config() with { Preamble = [value] },
        };
        var output = NpySource.Create(Path.Combine(Folder, "never.npy"), DType.Float32, Shape);
        var error = Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], Options(2) with { Slurm = config }));
        Assert.Contains($"slurm.{key}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/pwned"));
        Assert.False(Directory.Exists(Options(2).TmpRoot), "nothing may be created, let alone submitted, before the values are validated");
    }

    [Fact]
    public void Slurm_without_a_tmp_root_is_refused()
    {
        var output = NpySource.Create(Path.Combine(Folder, "never.npy"), DType.Float32, Shape);
        var error = Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], new RunOptions { JobType = JobType.Slurm, BlockShape = [4, 5, 6] }));
        Assert.Contains("tmp_root", error.Message, StringComparison.Ordinal);
    }

    private static string WaitForJobId(string tmpRoot)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            foreach (string folder in Directory.Exists(tmpRoot) ? Directory.GetDirectories(tmpRoot) : [])
            {
                string jobs = Path.Combine(folder, "slurm", "jobs.json");
                if (File.Exists(jobs))
                {
                    return JsonDocument.Parse(File.ReadAllText(jobs)).RootElement[0].GetProperty("JobId").GetString()!;
                }
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException("The Slurm job was not submitted within 60 s.");
    }

    private static SlurmConfig Config() => new() { LatencyWait = 2, PollInterval = 0.3 };

    private RunOptions Options(int workers) => new()
    {
        JobType = JobType.Slurm,
        Workers = workers,
        BlockShape = [4, 5, 6],
        TmpRoot = Path.Combine(Folder, "tmp"),
        Slurm = Config(),
    };
}
