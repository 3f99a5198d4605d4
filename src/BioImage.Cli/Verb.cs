using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Cli;

/// <summary>
/// The skin every operation verb shares: it adds the options the verb accepts — and only those (no
/// <c>--block-ids</c> on multi-pass verbs, no <c>--mask</c> where there is none, no storage options without an
/// output) — parses them into run options and output targets, hands the verb's operation to <see cref="Executor"/>
/// (or, with <c>--resume-from</c>, the kept run to <see cref="Executor.Resume"/>) and prints its report: one line, or
/// one JSON object with <c>--json</c>, nothing with <c>--quiet</c>. A verb file only declares its own arguments and
/// builds its operation.
/// </summary>
internal sealed class Verb
{
    private readonly Option<long[]?> _blockShape = CommonOptions.BlockShape();
    private readonly Option<int> _workers = CommonOptions.Workers();
    private readonly Option<string> _jobType = CommonOptions.JobType();
    private readonly Option<long[]?>? _blockIds;
    private readonly Option<string?> _resumeFrom = CommonOptions.ResumeFrom();
    private readonly Option<string?> _tmpRoot = CommonOptions.TmpRoot();
    private readonly Option<string?>? _mask;
    private readonly Option<string?>? _maskKey;
    private readonly Option<bool> _json = CommonOptions.Json();
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print no progress and no report line (errors still go to stderr; --json still prints)." };
    private readonly SlurmOptions _slurm = new();
    private readonly Option<int[]?>? _chunks;
    private readonly Option<int[]?>? _shards;
    private readonly Option<string?>? _codec;
    private readonly Option<int?>? _zarrFormat;
    private readonly Option<bool>? _overwrite;

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    /// <param name="command">The verb.</param>
    /// <param name="writesArrays">The verb writes arrays: storage options and --overwrite.</param>
    /// <param name="blockIds">The verb can re-run a subset of blocks (single-pass operations).</param>
    /// <param name="mask">The verb takes a mask.</param>
    public Verb(Command command, bool writesArrays, bool blockIds, bool mask)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (blockIds)
        {
            _blockIds = CommonOptions.BlockIds();
        }

        if (mask)
        {
            _mask = new Option<string?>("--mask") { Description = "Only process where this array is nonzero (same shape as the blocks' domain); blocks without mask voxels are skipped.", HelpName = "M" };
            _maskKey = new Option<string?>("--mask-key") { Description = "Dataset inside --mask.", HelpName = "K" };
        }

        if (writesArrays)
        {
            _chunks = PositiveList("--chunks", "Chunk extents of a new OUTPUT, one per axis (default: the input's chunks, else 64).");
            _shards = PositiveList("--shards", "Zarr v3 only: shard extents (multiples of the chunks); each shard is one file.");
            _codec = new Option<string?>("--codec") { Description = $"Compression of a new OUTPUT: {Storage.Codecs.CompressorSpec.Forms}; default: the input's compressor when the input is Zarr or N5, else zstd:3 (Zarr), gzip:6 (N5).", HelpName = "SPEC" };
            _zarrFormat = new Option<int?>("--zarr-format") { Description = "Zarr version of a new .zarr OUTPUT (default 3).", HelpName = "2|3" };
            _overwrite = new Option<bool>("--overwrite") { Description = "Replace OUTPUT when it exists (its data is deleted); without it an existing output is an error." };
        }

        Option?[] options = [_blockShape, _workers, _jobType, _blockIds, _resumeFrom, _tmpRoot, _mask, _maskKey, _chunks, _shards, _codec, _zarrFormat, _overwrite, _json, _quiet];
        foreach (var option in options.OfType<Option>())
        {
            command.Options.Add(option);
        }

        _slurm.AddTo(command);
    }

    /// <summary>The output at <paramref name="path"/> (and <paramref name="key"/>) with the storage options given.</summary>
    public ArrayTarget Target(ParseResult parse, string path, string? key) => new(path, key)
    {
        Chunks = Values(parse, _chunks),
        Shards = Values(parse, _shards),
        Codec = _codec is null ? null : parse.GetValue(_codec),
        ZarrFormat = _zarrFormat is null ? null : parse.GetValue(_zarrFormat),
    };

    /// <summary>True when --overwrite was given.</summary>
    public bool Overwrite(ParseResult parse) => _overwrite is not null && parse.GetValue(_overwrite);

    /// <summary>
    /// Runs the verb: <paramref name="build"/> opens the inputs and makes the operation and its output targets (its
    /// ArgumentExceptions and missing files are usage errors); with --resume-from the kept run is finished instead.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068:CancellationToken parameters must come last", Justification = "The verb's build lambda reads best as the last argument.")]
    public int Execute(ParseResult parse, CancellationToken cancellation, Func<(Operation Operation, ISource[] Inputs, ArrayTarget[] Outputs)> build)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(build);
        var options = Options(parse, cancellation);
        OperationReport report;
        if (parse.GetValue(_resumeFrom) is { } folder)
        {
            if (options.BlockIds is not null)
            {
                throw new UsageException("Pass either --resume-from or --block-ids, not both.");
            }

            NoteIgnoredArguments(parse, folder, build);
            report = Executor.Resume(folder, options);
        }
        else
        {
            var (operation, inputs, outputs) = Usage(build);
            report = Executor.Run(operation, inputs, outputs, options, Overwrite(parse));
        }

        Print(parse, report);
        return BioImageCommand.Success;
    }

    /// <summary>The run options given: backend, workers, block shape and ids, mask, Slurm settings; progress on stderr unless --quiet.</summary>
    public RunOptions Options(ParseResult parse, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new RunOptions
        {
            BlockShape = parse.GetBlockShape(_blockShape),
            Workers = parse.GetValue(_workers),
            JobType = Enum.Parse<JobType>(parse.GetRequiredValue(_jobType), ignoreCase: true),
            BlockIds = _blockIds is not null && parse.GetValue(_blockIds) is { Length: > 0 } ids ? ids : null,
            TmpRoot = parse.GetValue(_tmpRoot),
            Slurm = _slurm.Read(parse),
            Mask = _mask is not null && parse.GetValue(_mask) is { } maskPath ? Usage(() => Source.Open(maskPath, parse.GetValue(_maskKey!))) : null,
            Progress = parse.GetValue(_quiet) ? null : ProgressReporter.ForConsole(parse.InvocationConfiguration.Error),
            Cancellation = cancellation,
        };
    }

    /// <summary>True when --resume-from was given.</summary>
    public bool Resumes(ParseResult parse) => parse.GetValue(_resumeFrom) is not null;

    /// <summary>Prints the report: one JSON object with --json, else one line unless --quiet.</summary>
    public void Print(ParseResult parse, OperationReport report) => Print(parse, report, _json, _quiet);

    /// <summary>Prints a report as the verbs do: one JSON object with <paramref name="json"/>, else one line unless <paramref name="quiet"/>.</summary>
    public static void Print(ParseResult parse, OperationReport report, Option<bool> json, Option<bool> quiet)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(report);
        var writer = parse.InvocationConfiguration.Output;
        if (parse.GetValue(json))
        {
            writer.WriteLine(report.ToJson().ToJsonString(CliJson.Options));
        }
        else if (!parse.GetValue(quiet))
        {
            writer.WriteLine(report.ToText());
        }
    }

    /// <summary>Runs argument checks that open files or validate values, turning their failures into usage errors (exit 2).</summary>
    public static T Usage<T>(Func<T> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            return check();
        }
        catch (Exception error) when (error is ArgumentException and not OperationRefusedException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException(error.Message);
        }
    }

    /// <summary>A resume continues the recorded run: says so on stderr when this call's operation, inputs or outputs differ from it.</summary>
    private static void NoteIgnoredArguments(ParseResult parse, string folder, Func<(Operation Operation, ISource[] Inputs, ArrayTarget[] Outputs)> build)
    {
        var recorded = Executor.Describe(folder);
        string[] inputs, outputs;
        string verb, parameters;
        try
        {
            var (operation, given, targets) = build();
            verb = operation.Name;
            inputs = [.. given.Select(i => i.Spec is { } spec ? (spec.Key is null ? spec.Path : $"{spec.Path} (key {spec.Key})") : "(in memory)")];
            outputs = [.. targets.Select(t => t.Key is null ? Path.GetFullPath(t.Path.TrimEnd('/')) : $"{Path.GetFullPath(t.Path.TrimEnd('/'))} (key {t.Key})")];
            parameters = JsonSerializer.SerializeToElement(operation, operation.GetType()).GetRawText();
        }
#pragma warning disable CA1031 // Arguments that do not even open differ from the record by definition.
        catch (Exception)
#pragma warning restore CA1031
        {
            verb = parameters = string.Empty;
            inputs = outputs = [];
        }

        if (verb != recorded.Verb || !inputs.SequenceEqual(recorded.Inputs) || !outputs.Where((o, i) => i < recorded.Outputs.Count).SequenceEqual(recorded.Outputs.Take(outputs.Length)) || !JsonEquals(parameters, recorded.Parameters))
        {
            parse.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: --resume-from finishes the run recorded in {Path.GetFullPath(folder)} ({recorded.Verb} {string.Join(", ", recorded.Inputs)} → {string.Join(", ", recorded.Outputs)}); the operation, inputs, outputs and parameters given here differ and are ignored."));
        }
    }

    private static bool JsonEquals(string a, string b)
    {
        if (a.Length == 0)
        {
            return false;
        }

        using var left = JsonDocument.Parse(a);
        using var right = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }

    private static int[]? Values(ParseResult parse, Option<int[]?>? option) => option is not null && parse.GetValue(option) is { Length: > 0 } values ? values : null;

    private static Option<int[]?> PositiveList(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "Z,Y,X",
        CustomParser = result => CommonOptions.ParseNumbers<int>(result, NumberStyles.None, value => value >= 1, list => $"{name}: '{list}' is not a list of positive integers like 64,64,64."),
    };
}
