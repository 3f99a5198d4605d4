using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>Where blocks run.</summary>
public enum JobType
{
    /// <summary>Threads of this process.</summary>
    Local,

    /// <summary>Worker processes on this machine (the library starts its own; <c>BIOIMAGE_WORKER</c> overrides).</summary>
    Subprocess,

    /// <summary>A Slurm job array.</summary>
    Slurm,
}

/// <summary>How and where a block-wise operation runs (bioimage-py's runner arguments).</summary>
public sealed record RunOptions
{
    /// <summary>Backend; default local threads.</summary>
    public JobType JobType { get; init; } = JobType.Local;

    /// <summary>Threads (local) or worker processes / array tasks (distributed); ≥ 1.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Block extents; null uses the first input's chunks, else the whole volume as one block.</summary>
    public IReadOnlyList<long>? BlockShape { get; init; }

    /// <summary>Only process this region of the domain.</summary>
    public Region? Roi { get; init; }

    /// <summary>Optional mask source of the domain's shape: blocks with no non-zero mask voxel are skipped.</summary>
    public ISource? Mask { get; init; }

    /// <summary>Run only these blocks (exclusive with <see cref="ResumeFrom"/>).</summary>
    public IReadOnlyList<long>? BlockIds { get; init; }

    /// <summary>The preserved temp folder of a failed distributed run to finish (exclusive with <see cref="BlockIds"/>).</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Where distributed runs create their temp folder (must be shared with the nodes for Slurm); default the system temp folder.</summary>
    public string? TmpRoot { get; init; }

    /// <summary>The temp root shared with the workers that was configured: <see cref="TmpRoot"/>, else the Slurm tmp_root (explicit, then the config file's for Slurm runs); null when none was.</summary>
    internal string? SharedTmpRoot => TmpRoot ?? Slurm?.TmpRoot ?? (JobType == JobType.Slurm ? SlurmConfig.Load().TmpRoot : null);

    /// <summary>The folder for temp data shared with the workers: <see cref="SharedTmpRoot"/>, else the system temp folder.</summary>
    internal string EffectiveTmpRoot => SharedTmpRoot ?? Path.GetTempPath();

    /// <summary>Slurm settings given explicitly; they override the config file, which overrides the defaults.</summary>
    public SlurmConfig? Slurm { get; init; }

    /// <summary>Receives (blocks done, blocks total) as the run progresses.</summary>
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>Cancels the run (distributed runs stop their workers / cancel their Slurm job).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The folder in which a distributed pass of an operation keeps its task files (inside the operation's run folder);
    /// when it already holds a manifest, the pass is resumed (or, with <see cref="Reattaching"/>, waited for) instead of
    /// started. Null: a new folder under the temp root.
    /// </summary>
    internal string? PassFolder { get; init; }

    /// <summary>With <see cref="PassFolder"/>: wait for the pass's Slurm jobs that are still running instead of relaunching its incomplete tasks.</summary>
    internal bool Reattaching { get; init; }
}

/// <summary>Progress of a run.</summary>
/// <param name="Done">Blocks finished.</param>
/// <param name="Total">Blocks in the run.</param>
/// <param name="State">Backend state, e.g. Slurm task counts ("3 running, 5 pending").</param>
/// <param name="Pass">The operation's pass, e.g. "label: pass 2/3 (seams)"; empty outside operations.</param>
public sealed record RunProgress(long Done, long Total, string State = "", string Pass = "");
