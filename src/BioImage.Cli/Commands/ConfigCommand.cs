using System.CommandLine;
using BioImage.Runners;

namespace BioImage.Cli.Commands;

/// <summary><c>bioimage config slurm [--partition …] [--tmp-root DIR] …</c>: writes the [slurm] table of the user config file.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var slurm = new SlurmOptions();
        var tmpRoot = CommonOptions.TmpRoot();
        var throttle = new Option<int?>("--throttle") { Description = "Most array tasks running at once.", HelpName = "N" };
        var preamble = new Option<string[]?>("--preamble") { Description = "A shell line to run before the worker (repeat for several), e.g. 'module load dotnet'.", HelpName = "LINE", AllowMultipleArgumentsPerToken = false };
        var latencyWait = new Option<double?>("--latency-wait") { Description = "Seconds to wait for a finished task's success file (NFS lag).", HelpName = "S" };
        var show = new Option<bool>("--show") { Description = "Print the effective settings and the file they come from; change nothing." };
        var command = new Command("slurm", "Write Slurm settings into the user config file ($BIOIMAGE_CONFIG, else ~/.config/bioimage/config.toml), merging with what is there.")
        {
            tmpRoot, throttle, preamble, latencyWait, show,
        };
        slurm.AddTo(command);
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(show))
            {
                CliJson.Write(writer, new { file = SlurmConfig.ConfigFilePath(), slurm = SlurmConfig.Load() });
                return BioImageCommand.Success;
            }

            var values = slurm.Read(parse) with
            {
                TmpRoot = parse.GetValue(tmpRoot) is { } root ? Path.GetFullPath(root) : null,
                Throttle = parse.GetValue(throttle),
                Preamble = parse.GetValue(preamble) is { Length: > 0 } lines ? lines : null,
                LatencyWait = parse.GetValue(latencyWait),
            };
            try
            {
                writer.WriteLine($"wrote {SlurmConfig.Save(values)}");
            }
            catch (ArgumentException exception)
            {
                throw new UsageException(exception.Message);
            }

            return BioImageCommand.Success;
        });
        return new Command("config", "Show or change the user configuration.") { command };
    }
}
