using System.Diagnostics;

namespace BioImage.Testing;

/// <summary>Runs the reference Python implementations (Debian's /usr/bin/python3 with python3-numpy, …) as oracles.</summary>
internal static class Python
{
    public const string Executable = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; returns stdout, throws with stderr on failure.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{Executable} failed ({process.ExitCode}); the test script installs the python3-* packages the oracles need.\n{stderr.Result}");
    }
}
