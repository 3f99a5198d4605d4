namespace BioImage.Runners;

/// <summary>
/// The command line that starts a worker; the launchers append <c>worker TMP TASK</c>. The library is its own worker:
/// BioImage.Core.dll has an entry point (<see cref="WorkerEntry"/>), started as <c>dotnet exec --runtimeconfig
/// APP.runtimeconfig.json --depsfile APP.deps.json BioImage.Core.dll</c>, APP being the running application (the deps
/// file its host loaded, with the runtimeconfig beside it). The worker so runs on the application's own runtime
/// settings and dependency graph: the assembly that defines a user's operation, and every package that assembly uses,
/// resolve as they do in the application, and a program that references only the library needs nothing else.
/// <c>BIOIMAGE_WORKER</c> overrides it: a worker executable, or a .dll started by the dotnet host, that takes
/// <c>worker TMP TASK</c> (the bioimage CLI does). Paths are absolute, so a Slurm job finds them.
/// </summary>
/// <remarks>
/// Why the library itself. Measured (2 cores under a load average of ~18 from other builds, 20 starts each, one
/// two-block task) with a consumer program whose operation uses a package the library does not
/// (CommunityToolkit.HighPerformance, see tests/BioImage.Consumer.Sample):
/// <code>
///   worker process                                            start + task   the consumer's operation
///   the bioimage CLI's worker verb, on the CLI's deps          535 ms         FileNotFoundException (the package)
///   a separate worker executable, on its own deps              441 ms         FileNotFoundException (the package)
///   a separate worker executable, on the application's deps    433 ms         runs
///   BioImage.Core.dll, on the application's deps (chosen)      438 ms         runs
/// </code>
/// Start-up costs the same (the CLI's parser adds ~0.1 s); only the application's deps.json makes a consumer's
/// dependencies load. Of the two that use it, a separate executable must also be put in every consumer's output (a
/// project reference from the library to it is a cycle, so it takes extra build targets for project and package
/// consumers alike), while the library's own entry point is there wherever the library is. It costs four build
/// properties in BioImage.Core.csproj and nothing at run time.
/// </remarks>
internal static class WorkerCommand
{
    private const string DepsSuffix = ".deps.json";

    public static IReadOnlyList<string> Resolve()
    {
        string? configured = Environment.GetEnvironmentVariable("BIOIMAGE_WORKER");
        if (configured is { Length: > 0 })
        {
            string target = Path.GetFullPath(configured);
            if (!File.Exists(target))
            {
                throw new FileNotFoundException($"BIOIMAGE_WORKER names {target}, which does not exist; set it to a worker executable (or .dll) that takes `worker TMP TASK`, such as the bioimage CLI, or unset it to use the library's own worker.", target);
            }

            return target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), target] : [target];
        }

        string library = OperationSpec.FileOf(typeof(WorkerEntry).Assembly);
        if (library.Length == 0)
        {
            throw new InvalidOperationException("Cannot start workers: BioImage.Core was not loaded from a file (single-file publish?); set BIOIMAGE_WORKER to a worker executable.");
        }

        var (runtimeConfig, deps) = ApplicationFiles();
        return [DotnetHost(), "exec", "--runtimeconfig", runtimeConfig, "--depsfile", deps, library];
    }

    /// <summary>
    /// The running application's runtimeconfig.json and deps.json. The host lists the deps files it loaded in
    /// APP_CONTEXT_DEPS_FILES, the application's first and the frameworks' after it; only the application's has a
    /// runtimeconfig.json beside it.
    /// </summary>
    private static (string RuntimeConfig, string Deps) ApplicationFiles()
    {
        string listed = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? string.Empty;
        foreach (string deps in listed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (deps.EndsWith(DepsSuffix, StringComparison.OrdinalIgnoreCase))
            {
                string runtimeConfig = deps[..^DepsSuffix.Length] + ".runtimeconfig.json";
                if (File.Exists(deps) && File.Exists(runtimeConfig))
                {
                    return (Path.GetFullPath(runtimeConfig), Path.GetFullPath(deps));
                }
            }
        }

        throw new FileNotFoundException($"Cannot start workers: the running application has no deps.json with a runtimeconfig.json beside it (the host loaded: {(listed.Length == 0 ? "none" : listed)}); set BIOIMAGE_WORKER to a worker executable.");
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
