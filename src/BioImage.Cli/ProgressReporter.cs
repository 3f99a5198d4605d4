using BioImage.Runners;

namespace BioImage.Cli;

/// <summary>
/// Progress of a run on the console: a one-line bar redrawn in place on a terminal, plain "i/N (p%)" lines at
/// most every few seconds otherwise (logs, CI, pipes).
/// </summary>
internal sealed class ProgressReporter(TextWriter writer, bool interactive) : IProgress<RunProgress>
{
    private readonly Lock _gate = new();
    private DateTime _started = DateTime.UtcNow;
    private DateTime _lastLine = DateTime.MinValue;
    private long _lastDone = -1;
    private string _lastPass = string.Empty;

    public static ProgressReporter ForConsole(TextWriter error) =>
        new(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"));

    public void Report(RunProgress value)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            bool finished = value.Done == value.Total;
            if (value.Pass != _lastPass)
            {
                _lastPass = value.Pass;
                _started = DateTime.UtcNow;
                _lastDone = -1;
                _lastLine = DateTime.MinValue;
            }

            if (value.Done == _lastDone || (!finished && now - _lastLine < (interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5))))
            {
                return;
            }

            _lastDone = value.Done;
            _lastLine = now;
            double fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            double elapsed = (now - _started).TotalSeconds;
            string eta = value.Done > 0 && !finished ? $", ETA {TimeSpan.FromSeconds(elapsed / value.Done * (value.Total - value.Done)):hh\\:mm\\:ss}" : string.Empty;
            string state = value.State.Length > 0 ? $" — {value.State}" : string.Empty;
            string pass = value.Pass.Length > 0 ? $"{value.Pass}: " : string.Empty;
            if (interactive)
            {
                int filled = (int)(fraction * 30);
                writer.Write($"\r{pass}[{new string('#', filled)}{new string('.', 30 - filled)}] {value.Done}/{value.Total} blocks ({fraction:P0}){eta}{state}\u001b[K");
                if (finished)
                {
                    writer.WriteLine();
                }
            }
            else
            {
                writer.WriteLine($"{pass}{value.Done}/{value.Total} blocks ({fraction:P0}){eta}{state}");
            }
        }
    }
}
