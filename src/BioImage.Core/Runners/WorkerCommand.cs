namespace BioImage.Runners;

/// <summary>
/// The command line that starts a worker: <c>bioimage worker TMP TASK</c>. Found as: the <c>BIOIMAGE_WORKER</c>
/// environment variable (a path to the <c>bioimage</c> executable or <c>bioimage.dll</c>); else <c>bioimage.dll</c>
/// next to this library, started through the running dotnet host. Always absolute, so a Slurm job finds it.
/// </summary>
internal static class WorkerCommand
{
    public static IReadOnlyList<string> Resolve()
    {
        string? configured = Environment.GetEnvironmentVariable("BIOIMAGE_WORKER");
        string target = configured is { Length: > 0 }
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "bioimage.dll");
        if (!File.Exists(target))
        {
            throw new FileNotFoundException($"Cannot find the bioimage worker at {target}; set BIOIMAGE_WORKER to the path of the bioimage executable (or bioimage.dll).", target);
        }

        return target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), target] : [target];
    }

    private static string DotnetHost()
    {
        string? process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }

        string? fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (fromCli is { Length: > 0 } && File.Exists(fromCli))
        {
            return fromCli;
        }

        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        foreach (string? candidate in new[] { root is null ? null : Path.Combine(root, "dotnet"), "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/bin/dotnet" })
        {
            if (candidate is not null && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Cannot find the dotnet host to start workers; set DOTNET_ROOT or BIOIMAGE_WORKER.");
    }
}
