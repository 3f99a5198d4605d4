using System.Globalization;

namespace BioImage.Runners;

/// <summary>
/// The library's own worker process: <c>dotnet exec --runtimeconfig APP.runtimeconfig.json --depsfile APP.deps.json
/// BioImage.Core.dll worker TMP TASK</c> runs one task of a distributed run (<see cref="WorkerCommand"/> builds that
/// command line; the subprocess and Slurm launchers start it). Exit code 0 when the task succeeded, 1 when it failed
/// (recorded in the run folder), 2 for a bad command line.
/// </summary>
internal static class WorkerEntry
{
    private static int Main(string[] args)
    {
        if (args is ["worker", var folder, var task] && int.TryParse(task, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return Worker.RunTask(folder, index);
        }

        Console.Error.WriteLine($"usage: BioImage.Core worker TMP TASK (started by the subprocess and Slurm runners); got: {string.Join(' ', args)}");
        return 2;
    }
}
