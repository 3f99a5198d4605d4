using System.CommandLine;
using BioImage.Operations;
using BioImage.Runners;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage reattach TMP</c>: waits again for the Slurm jobs of a run whose submitting process ended, then ends
/// exactly as the original run would have: it runs the remaining passes of multi-pass operations and reports the
/// operation's result (statistics, unique values, component counts, …) in text or with --json.
/// </summary>
internal static class ReattachCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("TMP") { Description = "The temp folder of the run: the bioimage_* folder under the run's --tmp-root (named when a run fails)." };
        var json = CommonOptions.Json();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print no progress and no report line." };
        var slurm = new SlurmOptions();
        var command = new Command("reattach", "Wait again for a running Slurm job from its temp folder, then finish and report like the original run.") { folder, json, quiet };
        slurm.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var report = Executor.Reattach(parse.GetRequiredValue(folder), new RunOptions
            {
                Slurm = slurm.Read(parse),
                Progress = parse.GetValue(quiet) ? null : ProgressReporter.ForConsole(parse.InvocationConfiguration.Error),
                Cancellation = cancellation,
            });
            Verb.Print(parse, report, json, quiet);
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
