using System.CommandLine;
using BioImage.Cli.Commands;
using BioImage.Operations;
using BioImage.Runners;

namespace BioImage.Cli;

/// <summary>The root command: registers every verb and maps failures to exit codes.</summary>
/// <remarks>
/// Exit codes: 0 success; 1 the run failed (blocks failed — the message names them and the kept temp folder —, a file
/// could not be written or read, the run was cancelled) or the data do not allow a result; 2 usage errors found before
/// anything ran (unknown option or value, wrong rank, missing input, an existing output without --overwrite); 3 an
/// internal error (a bug: the message says so and how to get the stack trace). Errors are one line on stderr, never a
/// stack trace; set <c>BIOIMAGE_DEBUG=1</c> to get the full exception.
/// </remarks>
internal static partial class BioImageCommand
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
    public const int InternalError = 3;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("bioimage — fast block-wise processing of large 3D bio-images (Zarr, N5, TIFF, HDF5, MRC, NIfTI) on threads, worker processes or Slurm.")
        {
            DemoCommand.Create(),
            InfoCommand.Create(),
            CopyCommand.Create(),
            FilterCommand.Create(),
            DownsampleCommand.Create(),
            PyramidCommand.Create(),
            WatershedCommand.Create(),
            DistanceTransformCommand.Create(),
            DistanceTransformWatershedCommand.Create(),
            MulticutCommand.Create(),
            StatsCommand.Create(),
            EvaluateCommand.Create(),
            DiceCommand.Create(),
            LabelCommand.Create(),
            UniqueCommand.Create(),
            MorphologyCommand.Create(),
            RagCommand.Create(),
            RegionpropsCommand.Create(),
            LocalMaximaCommand.Create(),
            MapPointsCommand.Create(),
            RelabelConsecutiveCommand.Create(),
            SizeFilterCommand.Create(),
            SegmentationFilterCommand.Create(),
            ApplyCommand.Create(),
            IsInCommand.Create(),
            SolveMulticutCommand.Create(),
            ConfigCommand.Create(),
            ReattachCommand.Create(),
            WorkerCommand.Create(),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unknown verb also reports "Required command was not provided."; the other message is the useful one.
            var messages = parsed.Errors.Select(e => OneLine(e.Message)).Distinct().ToList();
            if (messages.Count > 1)
            {
                messages.RemoveAll(m => m.StartsWith("Required command was not provided", StringComparison.Ordinal));
            }

            error.WriteLine("error: " + string.Join("; ", messages));
            return BadArguments;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception exception) when (!IsDebug)
        {
            switch (exception)
            {
                case UsageException or OperationRefusedException or FileNotFoundException or DirectoryNotFoundException:
                    error.WriteLine("error: " + OneLine(exception.Message));
                    return BadArguments;
                case RunnerException or DataConditionException or OperationCanceledException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException:
                    error.WriteLine("error: " + OneLine(exception.Message));
                    return Failed;
                default:
                    error.WriteLine($"internal error: {exception.GetType().Name}: {OneLine(exception.Message)} — this is a bug in bioimage; rerun with BIOIMAGE_DEBUG=1 for the stack trace and report it.");
                    return InternalError;
            }
        }
    }

    private static bool IsDebug => Environment.GetEnvironmentVariable("BIOIMAGE_DEBUG") == "1";

    /// <summary>The message on one line, without the " (Parameter 'x')" ArgumentException appends.</summary>
    private static string OneLine(string message) =>
        ParameterSuffix().Replace(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), string.Empty);

    [System.Text.RegularExpressions.GeneratedRegex(@" \(Parameter '[^']*'\)")]
    private static partial System.Text.RegularExpressions.Regex ParameterSuffix();
}

/// <summary>A bad argument found after parsing (e.g. a block shape whose rank does not match the input): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
