using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Sources.Wrappers;

namespace BioImage.Blockwise;

/// <summary>
/// Runs one <see cref="BlockwiseRequest"/> as the bioimage CLI runs the same verb (CopyCommand, FilterCommand,
/// LabelCommand over Verb.cs): the operation and its output target are built from the request, then
/// <see cref="Executor.Run(Operation, IReadOnlyList{ISource}, IReadOnlyList{ArrayTarget}, RunOptions, bool)"/> validates
/// everything before it touches storage, creates the output (refusing an existing one unless <c>overwrite</c>),
/// and runs the blocks; <c>resume_from</c> finishes a kept run with <see cref="Executor.Resume"/>. The answer is one
/// JSON object: <c>{"status": "ok", "report": {…}}</c> (the CLI's <c>--json</c> report), or
/// <c>{"status": S, "message": M, "failed_block_ids": […], "tmp_folder": T}</c> with S one of refused (nothing was
/// touched; the CLI's exit 2), failed (blocks failed or the run was cancelled; T is the kept folder of a distributed
/// run), data, io (exit 1) and internal (exit 3).
/// </summary>
internal static partial class BlockwiseRun
{
    /// <summary>The filters of the filter verb by their Python names (the <see cref="GaussianFilter"/> names in snake case).</summary>
    private static readonly Dictionary<string, GaussianFilter> Filters =
        Enum.GetValues<GaussianFilter>().ToDictionary(f => JsonNamingPolicy.SnakeCaseLower.ConvertName(f.ToString()));

    /// <summary>The job types by their Python names (the <see cref="JobType"/> names in lower case).</summary>
    private static readonly Dictionary<string, JobType> JobTypes =
        Enum.GetValues<JobType>().ToDictionary(j => JsonNamingPolicy.SnakeCaseLower.ConvertName(j.ToString()));

    /// <summary>Parses and runs <paramref name="requestJson"/>; never throws.</summary>
    public static JsonObject Answer(string requestJson, TextWriter progress, CancellationToken cancellation)
    {
        try
        {
            var request = Parse(requestJson);
            return new JsonObject { ["status"] = "ok", ["report"] = Run(request, progress, cancellation).ToJson() };
        }
        catch (RunnerException error)
        {
            return Failure("failed", error.Message, error.FailedBlockIds, error.TmpFolder);
        }
        catch (OperationCanceledException error)
        {
            return Failure("failed", error.Message, [], KeptFolder(error.Message));
        }
        catch (Exception error) when (error is ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            return Failure("refused", error is ArgumentException { ParamName: { } name } ? error.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : error.Message, [], null);
        }
        catch (DataConditionException error)
        {
            return Failure("data", error.Message, [], null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException)
        {
            return Failure("io", error.Message, [], null);
        }
#pragma warning disable CA1031 // The host answers every failure in JSON; the library turns "internal" into BK_ERR_INTERNAL.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return Failure("internal", $"{error.GetType().Name}: {error.Message}", [], null);
        }
    }

    private static BlockwiseRequest Parse(string requestJson)
    {
        try
        {
            return JsonSerializer.Deserialize(requestJson, BlockwiseJson.Default.BlockwiseRequest)
                ?? throw new ArgumentException("The request is null; expected a JSON object with at least \"verb\".");
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"The request is not a valid block-wise request: {error.Message}", error);
        }
    }

    private static OperationReport Run(BlockwiseRequest request, TextWriter progress, CancellationToken cancellation)
    {
        var options = Options(request, progress, cancellation);
        if (request.ResumeFrom is { } folder)
        {
            return request.BlockIds is null
                ? Executor.Resume(folder, options)
                : throw new ArgumentException("Pass either resume_from or block_ids, not both.");
        }

        var (operation, source) = Build(request);
        var target = new ArrayTarget(Required(request.Output, "output"), request.OutputKey)
        {
            Chunks = request.Chunks,
            Shards = request.Shards,
            Codec = request.Codec,
            ZarrFormat = request.ZarrFormat,
        };
        return Executor.Run(operation, [source], [target], options, request.Overwrite);
    }

    /// <summary>The verb's operation and its (wrapped) input, as the CLI's command of that verb builds them.</summary>
    private static (Operation Operation, ISource Input) Build(BlockwiseRequest request)
    {
        var source = Source.Open(Required(request.Input, "input"), request.InputKey);
        switch (request.Verb)
        {
            case "copy":
                Refuse(request, "copy", (request.Filter, "filter"), (request.Sigma, "sigma"), (request.OuterScale, "outer_scale"), (request.ReturnChannel, "return_channel"), (request.Connectivity, "connectivity"));
                if (request.Resize is { Length: > 0 } shape)
                {
                    source = source.Resized(shape, request.Order ?? 0, request.AntiAliasing);
                }
                else if (request.Order is not null || request.AntiAliasing)
                {
                    throw new ArgumentException("order and anti_aliasing apply with resize.");
                }

                source = request.Threshold is { } level ? source.Threshold(level) : source;
                return (new CopyVerb { DType = request.Dtype is null ? null : DTypes.Parse(request.Dtype) }, source);
            case "filter":
                Refuse(request, "a filter", (request.Dtype, "dtype"), (request.Threshold, "threshold"), (request.Resize, "resize"), (request.Connectivity, "connectivity"));
                if (request.Filter is null || !Filters.TryGetValue(request.Filter, out var filter))
                {
                    throw new ArgumentException($"filter: '{request.Filter}' is not a filter; expected one of: {string.Join(", ", Filters.Keys)}.");
                }

                var sigma = Required(request.Sigma, "sigma");
                if (sigma.Length == 0 || sigma.Any(s => !double.IsFinite(s) || s < 0))
                {
                    throw new ArgumentException($"sigma must be one non-negative number or one per axis; got ({string.Join(", ", sigma)}).");
                }

                return (new FilterVerb
                {
                    Filter = new GaussianFilterOperation
                    {
                        Filter = filter,
                        Sigma = sigma,
                        OuterSigma = request.OuterScale is { Length: > 0 } outer ? outer : null,
                        ReturnChannel = request.ReturnChannel,
                    },
                }, source);
            case "label":
                Refuse(request, "label", (request.Filter, "filter"), (request.Sigma, "sigma"), (request.OuterScale, "outer_scale"), (request.ReturnChannel, "return_channel"), (request.Resize, "resize"));
                if (request.BlockIds is not null)
                {
                    throw new ArgumentException("label runs three passes (blocks, seams, relabel) over the whole volume and cannot re-run a subset of blocks: run it again whole (overwrite=True), or finish a failed distributed run with resume_from.");
                }

                source = request.Threshold is { } foreground ? source.Threshold(foreground) : source;
                return (new Label { Connectivity = request.Connectivity ?? 1, DType = request.Dtype is null ? DType.UInt64 : DTypes.Parse(request.Dtype) }, source);
            default:
                throw new ArgumentException($"verb: '{request.Verb}' is not a block-wise verb; expected copy, filter or label.");
        }
    }

    /// <summary>The run options, as Verb.Options reads them from the command line.</summary>
    private static RunOptions Options(BlockwiseRequest request, TextWriter progress, CancellationToken cancellation)
    {
        string jobTypeName = request.JobType ?? "local";
        if (!JobTypes.TryGetValue(jobTypeName, out var jobType))
        {
            throw new ArgumentException($"job_type: '{jobTypeName}' is not available; expected one of: {string.Join(", ", JobTypes.Keys)}.");
        }

        return new RunOptions
        {
            JobType = jobType,
            Workers = request.NumWorkers ?? Environment.ProcessorCount,
            BlockShape = request.BlockShape,
            BlockIds = request.BlockIds,
            TmpRoot = request.TmpRoot,
            Slurm = request.Slurm,
            Mask = request.Mask is { } mask ? Source.Open(mask, request.MaskKey) : null,
            Progress = request.Progress ? new Progress<RunProgress>(p => progress.WriteLine($"{(p.Pass.Length > 0 ? p.Pass : request.Verb)}: {p.Done}/{p.Total} blocks {p.State}".TrimEnd())) : null,
            Cancellation = cancellation,
        };
    }

    private static T Required<T>(T? value, string name)
        where T : class =>
        value ?? throw new ArgumentException($"{name} is required.");

    /// <summary>Refuses parameters the verb does not take, naming them.</summary>
    private static void Refuse(BlockwiseRequest request, string verb, params (object? Value, string Name)[] parameters)
    {
        string[] given = [.. parameters.Where(p => p.Value is not null).Select(p => p.Name)];
        if (given.Length > 0)
        {
            throw new ArgumentException($"{verb} does not take {string.Join(", ", given)} (verb {request.Verb}).");
        }
    }

    /// <summary>The message with the CLI's option names (Core's messages name them) as the Python arguments: --block-ids → block_ids, --workers → num_workers, --overwrite → overwrite=True.</summary>
    private static string PythonNames(string message) => CliOption().Replace(message, match => match.Groups[1].Value switch
    {
        "overwrite" => "overwrite=True",
        "workers" => "num_workers",
        var name => name.Replace('-', '_'),
    });

    [GeneratedRegex(@"(?<![\w-])--([a-z]+(?:-[a-z]+)*)")]
    private static partial Regex CliOption();

    /// <summary>The temp folder a cancelled distributed run names as kept ("The temp folder T is kept"), if any.</summary>
    private static string? KeptFolder(string message)
    {
        const string Before = "The temp folder ", After = " is kept";
        int start = message.IndexOf(Before, StringComparison.Ordinal);
        int end = start < 0 ? -1 : message.IndexOf(After, start, StringComparison.Ordinal);
        return end < 0 ? null : message[(start + Before.Length)..end];
    }

    private static JsonObject Failure(string status, string message, IReadOnlyList<long> failedBlockIds, string? tmpFolder) => new()
    {
        ["status"] = status,
        ["message"] = PythonNames(message),
        ["failed_block_ids"] = new JsonArray([.. failedBlockIds.Select(id => (JsonNode)id)]),
        ["tmp_folder"] = tmpFolder,
    };
}
