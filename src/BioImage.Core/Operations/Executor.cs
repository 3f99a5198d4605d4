using System.Diagnostics;
using System.Text.Json;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Runs an <see cref="Operation"/>, always in this order:
/// <list type="number">
/// <item><b>validate</b> everything, touching no storage: the parameters against the inputs, each output's storage
/// settings, the mask, the block shape (rank and write safety), the block ids, the backend settings and the state of
/// every output (see 2). Any refusal is an <see cref="OperationRefusedException"/> and nothing has been written.</item>
/// <item><b>plan</b> each output with one policy: <i>create</i> (an output already there is refused, naming
/// <c>--overwrite</c>), <i>overwrite</i> (only when asked: an array there is replaced; a group or other content never
/// is), or <i>open as it is</i> for re-runs of block ids and for resumes (it must exist and match the planned shape,
/// dtype and chunks; nothing is deleted).</item>
/// <item><b>run</b> the passes (<see cref="OperationRun"/>). Distributed runs keep a private run folder with a record
/// of the run (<see cref="RunRecord"/>); a failure keeps it and names it for <c>--resume-from</c>, which replays the
/// operation from the record — the resuming call's own operation, inputs and outputs are not used.</item>
/// <item><b>report</b> the same fields for every verb (<see cref="OperationReport"/>).</item>
/// </list>
/// </summary>
public static class Executor
{
    /// <summary>Runs an operation into outputs the caller opened (in-memory arrays, or arrays it created); returns its result.</summary>
    /// <exception cref="OperationRefusedException">The run was refused before anything was touched.</exception>
    /// <exception cref="RunnerException">Blocks failed (a distributed run keeps its folder for a resume).</exception>
    public static TResult Compute<TResult>(Operation<TResult> operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options) =>
        (TResult)Run(operation, inputs, outputs, options).Result!;

    /// <summary>Runs an operation into outputs the caller opened (in-memory arrays, or arrays it created); returns its report.</summary>
    /// <exception cref="OperationRefusedException">The run was refused before anything was touched.</exception>
    /// <exception cref="RunnerException">Blocks failed (a distributed run keeps its folder for a resume).</exception>
    public static OperationReport Run(Operation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return Execute(operation, inputs, [.. outputs.Select(o => new Slot(null, o))], options, overwrite: false);
    }

    /// <summary>Runs an operation into the given targets, created, replaced (<paramref name="overwrite"/>) or opened as they are (block ids) as planned.</summary>
    /// <exception cref="OperationRefusedException">The run was refused before anything was touched.</exception>
    /// <exception cref="RunnerException">Blocks failed (a distributed run keeps its folder for a resume).</exception>
    public static OperationReport Run(Operation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ArrayTarget> outputs, RunOptions options, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return Execute(operation, inputs, [.. outputs.Select(o => new Slot(o, null))], options, overwrite);
    }

    /// <summary>
    /// Finishes a failed distributed run from its kept folder: the operation, inputs, outputs, mask, blocking and backend
    /// come from its record; <paramref name="backend"/> gives progress, cancellation and Slurm settings (e.g. a longer
    /// time limit after a timeout). Finished passes are not run again, the failed one runs its missing blocks only.
    /// </summary>
    public static OperationReport Resume(string runFolder, RunOptions backend) => Continue(runFolder, backend, reattaching: false);

    /// <summary>Waits again for the Slurm jobs of a run whose submitting process ended, then finishes the run as the original would have.</summary>
    public static OperationReport Reattach(string runFolder, RunOptions backend) => Continue(runFolder, backend, reattaching: true);

    /// <summary>What a kept run folder records: the verb, its inputs and outputs (path and key) and its parameters as JSON, for messages.</summary>
    public static (string Verb, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, string Parameters) Describe(string runFolder)
    {
        var record = Refusing(() => RunRecord.Read(runFolder));
        return (record.Verb, [.. record.Inputs.Select(Name)], [.. record.Outputs.Select(Name)], record.Operation.Parameters.GetRawText());
    }

    private sealed record Slot(ArrayTarget? Target, ISource? Source);

    private sealed record Plan(Func<ISource[]> Open, RunOptions Options);

    private static OperationReport Execute(Operation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<Slot> slots, RunOptions options, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var plan = Refusing(() => Prepare(operation, inputs, slots, options, overwrite));
        string? folder = null;
        OperationSpec? recorded = null;
        if (plan.Options.JobType != JobType.Local)
        {
            // Everything that can fail without touching an output comes first: the operation's spec, the run folder.
            recorded = Refusing(() => OperationSpec.Of(operation));
            folder = FolderSecurity.CreatePrivateFolder(plan.Options.EffectiveTmpRoot, "bioimage_");
        }

        ISource[] outputs;
        try
        {
            outputs = plan.Open();
        }
        catch when (folder is not null)
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        if (folder is not null)
        {
            new RunRecord(
                RunRecord.CurrentVersion,
                operation.Name,
                recorded!,
                [.. inputs.Select(i => i.Spec!)],
                [.. outputs.Select(o => o.Spec!)],
                plan.Options.Mask?.Spec,
                [.. plan.Options.BlockShape!],
                plan.Options.Roi?.Begin.ToArray(),
                plan.Options.Roi?.End.ToArray(),
                plan.Options.BlockIds?.ToArray(),
                plan.Options.JobType,
                plan.Options.Workers,
                plan.Options.SharedTmpRoot).Write(folder);
        }

        return RunPasses(operation, inputs, outputs, plan.Options, folder, reattaching: false, resumed: false, clock);
    }

    private static OperationReport Continue(string runFolder, RunOptions backend, bool reattaching)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var clock = Stopwatch.StartNew();
        string folder = Path.GetFullPath(runFolder);
        var (operation, inputs, outputs, options) = Refusing(() =>
        {
            RunRecord record;
            Operation operation;
            try
            {
                record = RunRecord.Read(folder);
                operation = record.Operation.Create<Operation>();
            }
            catch (Exception error) when (error is JsonException or InvalidDataException or InvalidOperationException)
            {
                throw new ArgumentException($"{folder} holds no run this bioimage can finish: {error.Message}", nameof(runFolder), error);
            }

            if (reattaching && record.JobType != JobType.Slurm)
            {
                throw new ArgumentException($"reattach waits for the Slurm jobs of a run; the run in {folder} ran on {record.JobType.ToString().ToLowerInvariant()} workers: finish it with --resume-from {folder}.", nameof(runFolder));
            }

            ISource[] inputs = [.. record.Inputs.Select(Source.Open)];
            ISource[] outputs = [.. record.Outputs.Select(Source.Open)];
            var options = backend with
            {
                JobType = record.JobType,
                Workers = record.Workers,
                BlockShape = record.BlockShape,
                Roi = record.RoiBegin is null || record.RoiEnd is null ? null : new Region(record.RoiBegin, record.RoiEnd),
                BlockIds = record.BlockIds,
                Mask = record.Mask is null ? null : Source.Open(record.Mask),
                ResumeFrom = null,
                TmpRoot = record.TmpRoot,
            };
            operation.Validate(inputs);
            var layouts = operation.Outputs(inputs);
            for (int i = 0; i < outputs.Length; i++)
            {
                CheckMatches(layouts[i], outputs[i], Name(record.Outputs[i]), "the recorded run");
            }

            Runner.ValidateBackend(options);
            return (operation, inputs, outputs, options);
        });
        return RunPasses(operation, inputs, outputs, options, folder, reattaching, resumed: true, clock);
    }

    private static OperationReport RunPasses(Operation operation, IReadOnlyList<ISource> inputs, ISource[] outputs, RunOptions options, string? folder, bool reattaching, bool resumed, Stopwatch clock)
    {
        using var hold = folder is null ? null : Hold(folder);
        var started = DateTime.UtcNow;
        var run = new OperationRun(operation, inputs, outputs, options, folder, reattaching);
        bool writes = outputs.Length > 0;
        string SubsetAdvice(IReadOnlyList<long> failed) =>
            $"--block-shape {string.Join(',', options.BlockShape!)} --block-ids {IdRanges(failed)}";
        OperationOutcome outcome;
        try
        {
            outcome = operation.RunAndDescribe(run);
        }
        catch (RunnerException error) when (folder is not null)
        {
            string subset = writes && operation.RunsBlockSubsets && error.FailedBlockIds.Count > 0 ? $" Or re-run just the failed blocks into the output with {SubsetAdvice(error.FailedBlockIds)}." : string.Empty;
            throw new RunnerException($"{run.CurrentPass} failed: {error.Reason}. {KeptAdvice(folder)}{subset}", error.FailedBlockIds, folder, error.InnerException ?? error) { Reason = error.Reason };
        }
        catch (RunnerException error) when (folder is null && error.FailedBlockIds.Count > 0)
        {
            string again = !writes ? "run it again"
                : operation.RunsBlockSubsets ? $"re-run just these blocks into the output with {SubsetAdvice(error.FailedBlockIds)}, or the whole run with --overwrite"
                : "run it again with --overwrite (threads keep no temp folder; a distributed run could resume)";
            throw new RunnerException($"{run.CurrentPass} failed: {error.Reason}. After fixing the cause, {again}.", error.FailedBlockIds, null, error.InnerException ?? error) { Reason = error.Reason };
        }
        catch (DataConditionException) when (folder is not null)
        {
            Directory.Delete(folder, recursive: true); // the data decide: a resume would end the same way
            throw;
        }
        catch (OperationCanceledException error) when (folder is not null)
        {
            throw new OperationCanceledException($"{run.CurrentPass} was cancelled ({error.Message.Split(". The temp folder")[0]}). {KeptAdvice(folder)}", error);
        }
        catch (Exception error) when (folder is not null && error is IOException or UnauthorizedAccessException)
        {
            throw new RunnerException($"{run.CurrentPass} failed: {error.GetType().Name}: {error.Message}. {KeptAdvice(folder)}", [], folder, error) { Reason = error.Message };
        }
        finally
        {
            if (run.LocalScratch is { } scratch && Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        if (resumed || options.BlockIds is not null)
        {
            // Outputs opened as they were may hold the temporary files of chunk writes a failure killed.
            foreach (var output in outputs.OfType<ChunkedSource>())
            {
                output.DeleteStrayWrites(olderThan: started);
            }
        }

        if (folder is not null)
        {
            Directory.Delete(folder, recursive: true);
        }

        return new OperationReport(
            operation.Name,
            [.. inputs.Select(ArrayReport.Of)],
            [.. outputs.Select(ArrayReport.Of)],
            outcome.Value,
            outcome.Fields,
            outcome.Text,
            operation.Passes,
            resumed ? folder : null,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>Sorted ids as "0-5,9,12-40" (runs of consecutive ids as inclusive ranges), as --block-ids takes them.</summary>
    private static string IdRanges(IReadOnlyList<long> ids)
    {
        var sorted = ids.Order().ToArray();
        var parts = new List<string>();
        for (int start = 0, end; start < sorted.Length; start = end + 1)
        {
            for (end = start; end + 1 < sorted.Length && sorted[end + 1] == sorted[end] + 1; end++)
            {
            }

            parts.Add(end == start ? $"{sorted[start]}" : $"{sorted[start]}-{sorted[end]}");
        }

        return string.Join(',', parts);
    }

    /// <summary>Holds the run folder for this process (an exclusive lock on its <c>.lock</c> file) while its passes run.</summary>
    /// <exception cref="OperationRefusedException">Another process runs or finishes this run.</exception>
    private static FileStream Hold(string folder)
    {
        try
        {
            return new FileStream(Path.Combine(folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException error)
        {
            throw new OperationRefusedException($"Another bioimage process is running or finishing the run in {folder}; wait for it to end.", error);
        }
    }

    private static string KeptAdvice(string folder) =>
        $"The temp folder {folder} is kept: after fixing the cause, run the same command with --resume-from {folder} to finish the run (finished blocks are kept).";

    /// <summary>Every check of steps 1 and 2; returns how to open the outputs once nothing was refused.</summary>
    private static Plan Prepare(Operation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<Slot> slots, RunOptions options, bool overwrite)
    {
        if (options.ResumeFrom is not null)
        {
            throw new ArgumentException("Resume a run with Executor.Resume (--resume-from): it takes the operation, inputs and outputs from the run's record.", nameof(options));
        }

        if (options.Workers < 1)
        {
            throw new ArgumentException($"--workers must be at least 1; got {options.Workers}.", nameof(options));
        }

        operation.Validate(inputs);
        var layouts = operation.Outputs(inputs);
        if (layouts.Count != slots.Count)
        {
            throw new ArgumentException($"{operation.Name} writes {layouts.Count} array(s); {slots.Count} output(s) were given.", nameof(slots));
        }

        // A new output of an unchunked input takes the given block shape as its chunks (never an unsafe pair).
        if (options.BlockShape is { } requested)
        {
            layouts = [.. layouts.Select(layout => layout.DefaultChunks is null && layout.Shape.Count >= requested.Count
                ? layout with { DefaultChunks = [.. Enumerable.Repeat(1L, layout.Shape.Count - requested.Count), .. requested] }
                : layout)];
        }

        // A new output is compressed as the first input is, unless the operation or --codec says otherwise.
        if (inputs.Count > 0 && inputs[0] is ChunkedSource { Array: var inputArray } && InheritedCompression.Of(inputArray) is { } inherited)
        {
            layouts = [.. layouts.Select(layout => layout.Compression is null ? layout with { Compression = inherited } : layout)];
        }

        var planned = slots.Select((slot, i) => slot.Target?.Plan(layouts[i])).ToArray();
        var chunks = slots.Select((slot, i) => slot.Source?.Chunks ?? planned[i]?.Chunks.Select(c => (long)c).ToArray()).ToArray();
        foreach (var (slot, i) in slots.Select((slot, i) => (slot, i)))
        {
            if (slot.Source is { } given)
            {
                CheckMatches(layouts[i], given, given.Spec is { } spec ? Name(spec) : $"output {i}", operation.Name);
                if (!given.Writable)
                {
                    throw new ArgumentException($"The output {(given.Spec is { } s ? Name(s) : i.ToString(System.Globalization.CultureInfo.InvariantCulture))} is read-only; open it writable (mode \"r+\").", nameof(slots));
                }
            }
        }

        var existing = new ISource?[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            if (slots[i].Target is not { } target)
            {
                continue;
            }

            var (presence, array) = target.Probe();
            if (presence == ArrayPresence.Other)
            {
                throw new ArgumentException($"{target.Name} exists and is not an array (a group, or a folder or file with other content); it is never replaced: choose another output.", nameof(slots));
            }

            if (options.BlockIds is not null)
            {
                existing[i] = array ?? throw new ArgumentException($"--block-ids re-runs blocks into an existing output, but {target.Name} does not exist: run without --block-ids first.", nameof(slots));
                CheckMatches(layouts[i], array, target.Name, "this run");
                if (target.Chunks is { } chunkShape && array.Chunks is { } existingChunks && !chunkShape.Select(c => (long)c).SequenceEqual(existingChunks))
                {
                    throw new ArgumentException($"--block-ids: {target.Name} has chunks ({string.Join(", ", existingChunks)}) but --chunks asks for ({string.Join(", ", chunkShape)}); re-runs write into the output as it is.", nameof(slots));
                }

                chunks[i] = array.Chunks is null ? null : [.. array.Chunks];
            }
            else if (presence == ArrayPresence.Array && !overwrite)
            {
                string blocks = operation.RunsBlockSubsets ? ", or re-run some blocks into it with --block-ids" : string.Empty;
                throw new ArgumentException($"{target.Name} exists; pass --overwrite to replace it (its data will be deleted), choose another output{blocks}.", nameof(slots));
            }
        }

        var domain = operation.Domain(inputs, layouts).ToArray();
        int rank = domain.Length;
        if (options.Mask is { } mask)
        {
            if (!operation.TakesMask)
            {
                throw new ArgumentException($"{operation.Name} takes no mask.", nameof(options));
            }

            if (!mask.Shape.SequenceEqual(domain))
            {
                throw new ArgumentException($"The mask has shape ({string.Join(", ", mask.Shape)}) but {operation.Name} works on shape ({string.Join(", ", domain)}); they must match.", nameof(options));
            }
        }

        long[] blockShape = [.. options.BlockShape ?? operation.DefaultBlockShape(inputs, chunks, rank) ?? domain.Select(e => Math.Max(e, 1))];
        if (blockShape.Length != rank)
        {
            throw new ArgumentException($"--block-shape has {blockShape.Length} values but the data has {rank} axes; give {rank} comma-separated extents.", nameof(options));
        }

        if (blockShape.Any(e => e < 1))
        {
            throw new ArgumentException($"--block-shape must be positive on every axis; got ({string.Join(", ", blockShape)}).", nameof(options));
        }

        for (int i = 0; i < slots.Count; i++)
        {
            Runner.CheckWriteSafety(blockShape, layouts[i].Shape, chunks[i], slots[i].Target?.Name ?? "the output");
        }

        if (options.Roi is not null && !operation.RunsBlockSubsets)
        {
            throw new ArgumentException($"{operation.Name} always processes the whole volume (its passes join results across blocks): a ROI is not supported.", nameof(options));
        }

        var blocking = new Blocking(domain, blockShape, options.Roi);
        if (options.BlockIds is { } ids)
        {
            if (!operation.RunsBlockSubsets)
            {
                throw new ArgumentException($"{operation.Name} runs {operation.Passes.Count} passes ({string.Join(", ", operation.Passes)}) over the whole volume and cannot re-run a subset of blocks: run it again whole (--overwrite), or finish a failed distributed run with --resume-from.", nameof(options));
            }

            foreach (long id in ids)
            {
                if ((ulong)id >= (ulong)blocking.BlockCount)
                {
                    throw new ArgumentException($"--block-ids: block {id} does not exist; the blocking has {blocking.BlockCount} blocks (0 to {blocking.BlockCount - 1}).", nameof(options));
                }
            }
        }

        Runner.ValidateBackend(options);
        if (options.JobType != JobType.Local)
        {
            foreach (var (source, role) in inputs.Select(s => (s, "input")).Concat(options.Mask is null ? [] : [(options.Mask, "mask")]).Concat(slots.Where(s => s.Source is not null).Select(s => (s.Source!, "output"))))
            {
                if (source.Spec is null)
                {
                    throw new ArgumentException($"Distributed execution requires file-backed {role} arrays; in-memory data cannot be reopened by a worker process. Use job type local, or write the data to a file first.", role);
                }
            }
        }

        foreach (var slot in slots)
        {
            var spec = slot.Source?.Spec ?? (slot.Target is { } t ? new SourceSpec(string.Empty, Path.GetFullPath(t.Path.TrimEnd('/')), t.Key, "r+") : null);
            if (!(operation.WritesInPlace && slot.Source is not null) && inputs.Any(input => ReferenceEquals(input, slot.Source) || (spec is not null && input.Spec is { } read && read.Path == spec.Path && read.Key == spec.Key)))
            {
                throw new ArgumentException($"{operation.Name} needs an output other than its input ({(spec is null ? "the same array" : Name(spec))}): blocks read what others write.", nameof(slots));
            }
        }

        var runOptions = options with { BlockShape = blockShape };
        return new Plan(Open, runOptions);

        ISource[] Open() =>
            [.. slots.Select((slot, i) => slot.Source ?? existing[i] ?? slot.Target!.Create(layouts[i], planned[i], options.Workers))];
    }

    /// <summary>An output opened as it is must have the planned shape and dtype.</summary>
    private static void CheckMatches(ArrayLayout layout, ISource output, string name, string planner)
    {
        if (!output.Shape.SequenceEqual(layout.Shape) || output.DType != layout.DType)
        {
            throw new ArgumentException($"{name} is {output.DType.NumpyName()} ({string.Join(", ", output.Shape)}) but {planner} writes {layout.DType.NumpyName()} ({string.Join(", ", layout.Shape)}).", nameof(output));
        }
    }

    private static string Name(SourceSpec spec) => spec.Key is null ? spec.Path : $"{spec.Path} (key {spec.Key})";

    /// <summary>Runs checks, turning their ArgumentException (and missing files) into a refusal.</summary>
    private static T Refusing<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (Exception error) when (error is ArgumentException and not OperationRefusedException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OperationRefusedException(MessageOf(error), error);
        }
    }

    /// <summary>The message without the " (Parameter 'x')" that ArgumentException appends.</summary>
    internal static string MessageOf(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is ArgumentException { ParamName: { } name } ? error.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : error.Message;
    }
}
