using System.CommandLine;
using BioImage.Runners;

namespace BioImage.Cli;

/// <summary>The runner options every block-wise verb takes, parsed into <see cref="RunOptions"/>.</summary>
internal sealed class RunSettings
{
    private readonly Option<long[]?> _blockShape = CommonOptions.BlockShape();
    private readonly Option<int> _workers = CommonOptions.Workers();
    private readonly Option<string> _jobType = CommonOptions.JobType();
    private readonly Option<long[]?> _blockIds = CommonOptions.BlockIds();
    private readonly Option<string?> _resumeFrom = CommonOptions.ResumeFrom();
    private readonly Option<string?> _tmpRoot = CommonOptions.TmpRoot();
    private readonly SlurmOptions _slurm = new();

    /// <summary>Adds the options to a verb.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _blockShape, _workers, _jobType, _blockIds, _resumeFrom, _tmpRoot })
        {
            command.Options.Add(option);
        }

        _slurm.AddTo(command);
    }

    /// <summary>The run options for data of <paramref name="rank"/> axes; progress goes to stderr.</summary>
    public RunOptions Read(ParseResult parse, int rank, CancellationToken cancellation)
    {
        var blockShape = parse.GetBlockShape(_blockShape);
        CommonOptions.CheckRank(blockShape, rank);
        return new RunOptions
        {
            BlockShape = blockShape,
            Workers = parse.GetValue(_workers),
            JobType = Enum.Parse<JobType>(parse.GetRequiredValue(_jobType), ignoreCase: true),
            BlockIds = parse.GetValue(_blockIds) is { Length: > 0 } ids ? ids : null,
            ResumeFrom = parse.GetValue(_resumeFrom),
            TmpRoot = parse.GetValue(_tmpRoot),
            Slurm = _slurm.Read(parse),
            Progress = ProgressReporter.ForConsole(parse.InvocationConfiguration.Error),
            Cancellation = cancellation,
        };
    }
}
