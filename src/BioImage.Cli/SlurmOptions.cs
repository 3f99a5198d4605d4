using System.CommandLine;
using BioImage.Runners;

namespace BioImage.Cli;

/// <summary>The Slurm options of block-wise verbs and of <c>bioimage config slurm</c>; given values override the config file.</summary>
internal sealed class SlurmOptions
{
    private readonly Option<string?> _partition = new("--partition") { Description = "Slurm partition.", HelpName = "NAME" };
    private readonly Option<string?> _time = new("--time") { Description = "Time limit per array task, e.g. 01:00:00.", HelpName = "HH:MM:SS" };
    private readonly Option<string?> _mem = new("--mem") { Description = "Memory per task, e.g. 4G.", HelpName = "SIZE" };
    private readonly Option<int?> _cpusPerTask = new("--cpus-per-task") { Description = "CPUs per task.", HelpName = "N" };
    private readonly Option<string?> _gpus = new("--gpus") { Description = "GPUs per task, e.g. 1 or a100:1.", HelpName = "SPEC" };
    private readonly Option<string?> _account = new("--account") { Description = "Slurm account.", HelpName = "NAME" };
    private readonly Option<string?> _qos = new("--qos") { Description = "Quality of service.", HelpName = "NAME" };
    private readonly Option<string?> _constraint = new("--constraint") { Description = "Node features.", HelpName = "EXPR" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _partition, _time, _mem, _cpusPerTask, _gpus, _account, _qos, _constraint })
        {
            command.Options.Add(option);
        }
    }

    public SlurmConfig Read(ParseResult parse) => new()
    {
        Partition = parse.GetValue(_partition),
        Time = parse.GetValue(_time),
        Mem = parse.GetValue(_mem),
        CpusPerTask = parse.GetValue(_cpusPerTask),
        Gpus = parse.GetValue(_gpus),
        Account = parse.GetValue(_account),
        Qos = parse.GetValue(_qos),
        Constraint = parse.GetValue(_constraint),
    };
}
