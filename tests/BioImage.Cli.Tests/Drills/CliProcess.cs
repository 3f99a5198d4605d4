using System.Diagnostics;
using System.Text;

namespace BioImage.Cli.Tests.Drills;

/// <summary>What a finished run of the built <c>bioimage</c> printed and returned.</summary>
internal sealed record CliResult(IReadOnlyList<string> Arguments, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public string CommandLine => "bioimage " + string.Join(' ', Arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    public override string ToString() => $"{CommandLine}\n  exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n  stderr: {Error.Trim().Replace("\n", "\n          ", StringComparison.Ordinal)}";
}

/// <summary>
/// The built command line as a separate process (<c>dotnet bioimage.dll …</c> from the test's output folder, where the
/// project reference puts it): the drills need a real orchestrator process with real workers to kill.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly string[] _arguments;

    private CliProcess(string[] arguments, IReadOnlyDictionary<string, string?> environment)
    {
        _arguments = arguments;
        var start = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The drills must not depend on the user's config or debug switches, nor on what other tests set in-process.
        foreach (string name in new[] { "BIOIMAGE_CONFIG", "BIOIMAGE_NO_CONFIG", "BIOIMAGE_DEBUG", "BIOIMAGE_WORKER", "XDG_CONFIG_HOME" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["TERM"] = "dumb";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The bioimage.dll the test project's build placed next to the tests.</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "bioimage.dll");

    public static string DotnetHost { get; } = FindDotnet();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string ErrorSoFar
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static CliProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment) => new([.. arguments], environment);

    /// <summary>Runs to the end (at most <paramref name="timeout"/>; then the process tree is killed and this throws).</summary>
    public static CliResult Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        using var process = Start(arguments, environment);
        return process.Wait(timeout);
    }

    public CliResult Wait(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            throw new TimeoutException($"bioimage {string.Join(' ', _arguments)} did not end within {timeout.TotalSeconds:F0} s (killed). stderr so far:\n{ErrorSoFar}");
        }

        _process.WaitForExit(); // flushes the asynchronous readers
        string output, error;
        lock (_output)
        {
            output = _output.ToString();
        }

        lock (_error)
        {
            error = _error.ToString();
        }

        return new CliResult(_arguments, _process.ExitCode, output, error, _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private static string FindDotnet()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        foreach (string? candidate in new[]
        {
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? Path.Combine(root, "dotnet") : null,
            "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/bin/dotnet",
        })
        {
            if (candidate is { Length: > 0 } && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Cannot find the dotnet host to start bioimage.dll.");
    }
}
