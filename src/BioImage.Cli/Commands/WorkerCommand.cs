using System.CommandLine;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage worker TMP TASK</c>: runs one task of a distributed run (started by the runner, not by users).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("TMP") { Description = "The run's temp folder." };
        var task = new Argument<int>("TASK") { Description = "The task to run." };
        var command = new Command("worker", "Run one task of a distributed run (used by the subprocess and Slurm backends).") { folder, task };
        command.Hidden = true;
        command.SetAction(parse => Runners.Worker.RunTask(parse.GetRequiredValue(folder), parse.GetValue(task)));
        return command;
    }
}
