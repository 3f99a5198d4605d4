using System.Text.RegularExpressions;
using BioImage.Cli.Tests.Drills;
using Xunit.Abstractions;

namespace BioImage.Cli.Tests;

// Fault drills of issue #15: every verb that writes an array, run through the built `bioimage` as a process on worker
// processes and on the local Slurm cluster, with a worker killed mid-task (SIGKILL), a running and a pending Slurm
// task cancelled, a task timed out, the output's disk full or its folder read-only; then recovered with --resume-from
// and with --block-ids, and compared bit for bit with a clean run. Multi-pass verbs are interrupted in each pass.
// Refused commands must leave an existing output untouched. Each class is its own xunit collection, so the classes
// run in parallel; `dotnet test --filter Category=Drill` selects the drills, `Drill=Slurm` etc. a part of them.
// BIOIMAGE_DRILLS=full runs every (verb, pass) for every Slurm fault (the default spreads the passes of multi-pass
// verbs over the three Slurm faults). The harness is described in Drills/FaultInjector.cs and Drills/FaultDrills.cs.

/// <summary>SIGKILL of a local worker process mid-task, in every pass of every verb.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Subprocess")]
public sealed class SubprocessKillDrills(ITestOutputHelper output)
{
    public static TheoryData<string, int> Rows => DrillVerbs.PassRows();

    [Theory]
    [MemberData(nameof(Rows))]
    public void Kill_a_worker_mid_task_then_resume_and_rerun_the_failed_blocks(string verb, int pass) =>
        FaultDrills.FaultThenRecover(output, verb, Backend.Subprocess, Fault.Kill, pass);
}

/// <summary>SIGKILL of the worker of a running Slurm array task mid-task.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Slurm")]
public sealed class SlurmKillDrills(ITestOutputHelper output)
{
    public static TheoryData<string, int> Rows => DrillVerbs.PassRows(rotate: 0);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Kill_a_slurm_worker_mid_task_then_resume_and_rerun_the_failed_blocks(string verb, int pass) =>
        FaultDrills.FaultThenRecover(output, verb, Backend.Slurm, Fault.Kill, pass);
}

/// <summary><c>scancel</c> of a running Slurm array task mid-task.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Slurm")]
public sealed class SlurmScancelRunningDrills(ITestOutputHelper output)
{
    public static TheoryData<string, int> Rows => DrillVerbs.PassRows(rotate: 1);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Scancel_a_running_task_then_resume_and_rerun_the_failed_blocks(string verb, int pass) =>
        FaultDrills.FaultThenRecover(output, verb, Backend.Slurm, Fault.ScancelRunning, pass);
}

/// <summary><c>scancel</c> of a pending Slurm array task (it vanishes) while the other task is mid-way.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Slurm")]
public sealed class SlurmScancelPendingDrills(ITestOutputHelper output)
{
    public static TheoryData<string, int> Rows => DrillVerbs.PassRows(rotate: 2);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Scancel_a_pending_task_then_resume_and_rerun_the_failed_blocks(string verb, int pass) =>
        FaultDrills.FaultThenRecover(output, verb, Backend.Slurm, Fault.ScancelPending, pass);
}

/// <summary>A Slurm task killed by its time limit (TIMEOUT): over a minute, so one verb only.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Timeout")]
public sealed class SlurmTimeoutDrill(ITestOutputHelper output)
{
    [Fact]
    public void A_task_that_hits_its_time_limit_then_resume_and_rerun_the_failed_blocks() =>
        FaultDrills.FaultThenRecover(output, "copy", Backend.Slurm, Fault.Timeout, 1, "--time", "00:01:00");
}

/// <summary>The output's disk fills up, or its folder turns read-only, mid-run; resumed after the cause is removed.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Disk")]
public sealed class BrokenOutputDrills(ITestOutputHelper output)
{
    [Theory]
    [InlineData("copy", Backend.Subprocess, 1)]
    [InlineData("copy", Backend.Slurm, 1)]
    [InlineData("label", Backend.Subprocess, 3)]
    public void Full_disk_fails_the_run_and_a_resume_after_freeing_space_finishes_it(string verb, Backend backend, int pass) =>
        FaultDrills.BrokenOutput(output, verb, backend, Fault.FullDisk, pass);

    [Theory]
    [InlineData("copy", Backend.Subprocess, 1)]
    [InlineData("copy", Backend.Slurm, 1)]
    [InlineData("label", Backend.Subprocess, 3)]
    public void Read_only_output_fails_the_run_and_a_resume_after_making_it_writable_finishes_it(string verb, Backend backend, int pass) =>
        FaultDrills.BrokenOutput(output, verb, backend, Fault.ReadOnly, pass);
}

/// <summary>Refused commands leave an existing output as it was.</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Refusal")]
public sealed class RefusalDrillTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Rows => RefusalDrills.Rows();

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_refused_run_leaves_the_existing_output_untouched(string verb, string refusal) =>
        RefusalDrills.Refuse(output, verb, refusal);
}

/// <summary>Progress of a multi-pass verb names the pass it is in (`label: pass 2/3`).</summary>
[Trait("Category", "Drill")]
[Trait("Drill", "Subprocess")]
public sealed class PassProgressDrills(ITestOutputHelper output)
{
    public static TheoryData<string> Rows => [.. DrillVerbs.All.Where(v => v.Passes > 1).Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Progress_names_every_pass(string verb)
    {
        var drillVerb = DrillVerbs.Get(verb);
        var clean = DrillInputs.Get().Clean(drillVerb, Backend.Subprocess);
        output.WriteLine(clean.Result.ToString());
        var missing = Enumerable.Range(1, drillVerb.Passes)
            .Where(k => !Regex.IsMatch(clean.Result.Error, $@"\bpass {k}/{drillVerb.Passes}\b"))
            .ToList();
        Assert.True(missing.Count == 0, $"the progress on stderr never names pass(es) {string.Join(", ", missing.Select(k => $"{k}/{drillVerb.Passes}"))}");
    }
}
