using System.CommandLine;
using BioImage.Runners;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage reattach TMP</c>: waits again for the Slurm jobs of a run whose submitting process ended.</summary>
internal static class ReattachCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("TMP") { Description = "The temp folder of the run (printed when it started or failed)." };
        var command = new Command("reattach", "Wait again for a running Slurm job from its temp folder, then report like the original run.") { folder };
        command.SetAction((parse, cancellation) =>
        {
            Runner.Reattach(parse.GetRequiredValue(folder), new RunOptions { Progress = ProgressReporter.ForConsole(parse.InvocationConfiguration.Error), Cancellation = cancellation });
            parse.InvocationConfiguration.Output.WriteLine("the run completed");
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
