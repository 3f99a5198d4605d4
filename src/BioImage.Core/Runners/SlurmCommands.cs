using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BioImage.Runners;

/// <summary>The Slurm client commands the backend uses (sbatch, squeue, scontrol, sacct, scancel), each a plain process call.</summary>
internal static partial class SlurmCommands
{
    /// <summary>Slurm's default MaxArraySize, used when <c>scontrol show config</c> does not say.</summary>
    public const int DefaultMaxArraySize = 1001;

    /// <summary>Submits <paramref name="script"/> (given on stdin, so Slurm keeps its own copy) and returns the job id.</summary>
    public static string Submit(string script, IEnumerable<string> arguments)
    {
        var (code, output, error) = Run("sbatch", ["--parsable", .. arguments], script);
        string jobId = output.Trim().Split(';')[0];
        return code == 0 && JobId().IsMatch(jobId)
            ? jobId
            : throw new InvalidOperationException($"sbatch failed (exit {code}): {error.Trim()} {output.Trim()}".Trim());
    }

    /// <summary>Largest array Slurm accepts (tasks 0 … MaxArraySize − 1).</summary>
    public static int MaxArraySize()
    {
        var (code, output, _) = Run("scontrol", ["show", "config"]);
        var match = MaxArrayPattern().Match(output);
        return code == 0 && match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : DefaultMaxArraySize;
    }

    /// <summary>States of the array tasks Slurm still lists as pending or running: "JOBID_INDEX" → state.</summary>
    public static Dictionary<string, string> ActiveTasks(IEnumerable<string> jobIds)
    {
        var (code, output, _) = Run("squeue", ["-h", "-r", "-t", "PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED,RESIZING", "-j", string.Join(',', jobIds), "-o", "%i %T"]);
        var active = new Dictionary<string, string>(StringComparer.Ordinal);
        if (code != 0)
        {
            return active; // squeue exits 1 when none of the jobs is known any more
        }

        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2)
            {
                active[parts[0]] = parts[1];
            }
        }

        return active;
    }

    /// <summary>How an array task ended, from sacct when accounting works, else from scontrol; null when Slurm no longer knows it.</summary>
    public static string? FinalState(string jobId, int index)
    {
        string task = $"{jobId}_{index}";
        var (sacctCode, sacct, _) = Run("sacct", ["-n", "-X", "-P", "-j", task, "-o", "State,ExitCode"]);
        if (sacctCode == 0 && sacct.Trim().Length > 0)
        {
            return "State=" + sacct.Trim().Split('\n')[0].Replace("|", " ExitCode=", StringComparison.Ordinal);
        }

        var (code, output, _) = Run("scontrol", ["-o", "show", "job", task]);
        var state = StatePattern().Match(output);
        var exit = ExitPattern().Match(output);
        return code == 0 && state.Success ? $"JobState={state.Groups[1].Value} ExitCode={(exit.Success ? exit.Groups[1].Value : "?")}" : null;
    }

    public static void Cancel(IEnumerable<string> jobIds) => Run("scancel", [.. jobIds]);

    private static (int Code, string Output, string Error) Run(string command, IReadOnlyList<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }

            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"'{command}' is not available: the Slurm backend needs the Slurm client commands on PATH (scripts/slurm-up.sh installs a local cluster).", exception);
        }
    }

    [GeneratedRegex(@"^[0-9]+$")]
    private static partial Regex JobId();

    [GeneratedRegex(@"MaxArraySize\s*=\s*(\d+)")]
    private static partial Regex MaxArrayPattern();

    [GeneratedRegex(@"JobState=(\S+)")]
    private static partial Regex StatePattern();

    [GeneratedRegex(@"ExitCode=(\S+)")]
    private static partial Regex ExitPattern();
}
