namespace BioImage.Runners;

/// <summary>
/// A run in which some blocks did not complete. Carries exactly which blocks failed and, for distributed runs,
/// the preserved temp folder to pass as <see cref="RunOptions.ResumeFrom"/>.
/// </summary>
public sealed class RunnerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunnerException(string message, IReadOnlyList<long> failedBlockIds, string? tmpFolder, Exception? inner = null)
        : base(message, inner)
    {
        FailedBlockIds = failedBlockIds;
        TmpFolder = tmpFolder;
    }

    /// <summary>Creates an exception with no failed blocks (for serializers and analyzers).</summary>
    public RunnerException()
        : this("The run failed.", [], null)
    {
    }

    /// <summary>Creates an exception with no failed blocks.</summary>
    public RunnerException(string message)
        : this(message, [], null)
    {
    }

    /// <summary>Creates an exception with no failed blocks.</summary>
    public RunnerException(string message, Exception inner)
        : this(message, [], null, inner)
    {
    }

    /// <summary>The blocks (or items) that did not complete, sorted.</summary>
    public IReadOnlyList<long> FailedBlockIds { get; }

    /// <summary>The kept temp folder of a distributed run; null for local runs.</summary>
    public string? TmpFolder { get; }

    /// <summary>What failed — the blocks and the first error — without the advice on how to resume; the message when not set.</summary>
    public string Reason { get => field ?? Message; init; }
}
