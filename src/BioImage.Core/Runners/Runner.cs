using System.Text.Json;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>
/// Runs a block step over a <see cref="Blocking"/> on local threads, local worker processes or Slurm, with
/// identical results. Validates everything before anything runs: shapes, write safety, reopenable sources for
/// distributed backends, and the re-run arguments.
/// </summary>
public static class Runner
{
    /// <summary>Runs an output-writing operation.</summary>
    public static void Run(BlockOperation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options) =>
        RunCore(operation, inputs, outputs, options, itemCount: null);

    /// <summary>Runs a reduce operation and returns the per-block results in block-id order (mask-skipped blocks have none).</summary>
    public static IReadOnlyList<BlockResult<TResult>> Run<TResult>(ReduceOperation<TResult> operation, IReadOnlyList<ISource> inputs, RunOptions options) =>
        Run(operation, inputs, [], options);

    /// <summary>Runs a reduce operation that also writes outputs (e.g. the first pass of block-wise labelling) and returns its per-block results.</summary>
    public static IReadOnlyList<BlockResult<TResult>> Run<TResult>(ReduceOperation<TResult> operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options) =>
        Collect<TResult>(RunCore(operation, inputs, outputs, options, itemCount: null));

    /// <summary>
    /// Runs <paramref name="operation"/> on items 0 … <paramref name="itemCount"/> − 1 (or on <see cref="RunOptions.BlockIds"/>,
    /// which then name items) and returns the results in item order. Failures name the failed item ids.
    /// </summary>
    public static IReadOnlyList<BlockResult<TResult>> Map<TResult>(MapOperation<TResult> operation, long itemCount, RunOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentNullException.ThrowIfNull(options);
        return itemCount == 0 ? [] : Collect<TResult>(RunCore(operation, [], [], options with { BlockShape = [1], Roi = null, Mask = null }, itemCount));
    }

    /// <summary>
    /// Runs one pass of an operation: <paramref name="step"/> over the blocks (or, with <paramref name="itemCount"/>, the
    /// items) and returns the raw per-block results — the step's own objects for local runs, JSON for distributed ones.
    /// </summary>
    internal static Dictionary<long, object?> RunPass(BlockStep step, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options, long? itemCount) =>
        itemCount is { } items
            ? items == 0 ? [] : RunCore(step, [], [], options with { BlockShape = [1], Roi = null, Mask = null }, items)
            : RunCore(step, inputs, outputs, options, itemCount: null);

    /// <summary>Typed results in block-id order from raw ones (objects or JSON).</summary>
    internal static List<BlockResult<TResult>> Collect<TResult>(Dictionary<long, object?> results) =>
        results.OrderBy(r => r.Key).Select(r => new BlockResult<TResult>(r.Key, r.Value switch
        {
            TResult value => value,
            JsonElement json => json.Deserialize(Manifest.Json.Info<TResult>())!,
            _ => throw new InvalidOperationException($"Block {r.Key} returned no {typeof(TResult).Name}."),
        })).ToList();

    /// <summary>Validates, builds the blocking and dispatches to a backend. In map mode (<paramref name="itemCount"/> set)
    /// the domain is the items 0 … n − 1, one per block, with no sources.</summary>
    private static Dictionary<long, object?> RunCore(BlockStep step, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options, long? itemCount)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        if (options.ResumeFrom is not null && options.BlockIds is not null)
        {
            throw new ArgumentException("Pass either ResumeFrom (--resume-from) or BlockIds (--block-ids), not both.", nameof(options));
        }

        if (options.ResumeFrom is not null)
        {
            return options.JobType == JobType.Local
                ? throw new ArgumentException("ResumeFrom needs a distributed job type (subprocess or slurm): local runs keep no temp folder.", nameof(options))
                : Box(DistributedRun.Resume(options.ResumeFrom, Launcher(options), options));
        }

        if (options.JobType != JobType.Local && options.PassFolder is { } passFolder && File.Exists(Path.Combine(passFolder, "manifest.json")))
        {
            // A pass whose jobs were never submitted (the orchestrator died first) has nothing to wait for: it is resumed.
            return Box(options.Reattaching && File.Exists(Path.Combine(passFolder, "slurm", "jobs.json"))
                ? DistributedRun.Reattach(passFolder, folder => SlurmLauncher.Reattach(folder, EffectiveSlurmConfig(options), options), keep: true)
                : DistributedRun.Resume(passFolder, Launcher(options), options));
        }

        var domain = inputs.Count > 0 ? inputs[0] : outputs.Count > 0 ? outputs[0] : null;
        long[] shape = itemCount is { } items ? [items] : domain?.Shape.ToArray() ?? throw new ArgumentException("An operation needs at least one input or output.", nameof(inputs));
        CheckShapes(shape, inputs, outputs, options.Mask);
        long[] blockShape = BlockShapeFor(shape, domain, options.BlockShape);
        foreach (var output in outputs)
        {
            CheckWriteSafety(blockShape, output.Shape, output.Chunks, output.Spec?.Path ?? "the output");
        }

        var blocking = new Blocking(shape, blockShape, options.Roi);
        long[] halo = step.GetHalo(shape.Length);
        var blockIds = options.BlockIds?.ToArray() ?? LongRange(blocking.BlockCount);
        foreach (long id in blockIds)
        {
            if ((ulong)id >= (ulong)blocking.BlockCount)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Block id {id} does not exist; the blocking has {blocking.BlockCount} blocks (0 to {blocking.BlockCount - 1}).");
            }
        }

        if (options.JobType == JobType.Slurm && options.SharedTmpRoot is null)
        {
            throw new ArgumentException(SlurmTmpRootMissing, nameof(options));
        }

        var shardShapes = outputs.Select(o => o.Shards).OfType<IReadOnlyList<long>>().Select(shards => (IReadOnlyList<long>)shards.Skip(shards.Count - shape.Length).ToArray()).ToList();
        var groups = ShardGroups.Of(blocking, blockIds, shardShapes);
        if (options.JobType == JobType.Local)
        {
            return LocalBackend.Run(step, blocking, halo, groups, inputs, outputs, options.Mask, options);
        }

        var manifest = new Manifest(
            Manifest.CurrentVersion,
            OperationSpec.Of(step),
            inputs.Select(s => SpecOf(s, "input")).ToArray(),
            outputs.Select(s => SpecOf(s, "output", requireWritable: true)).ToArray(),
            options.Mask is null ? null : SpecOf(options.Mask, "mask"),
            shape,
            blockShape,
            options.Roi?.Begin.ToArray(),
            options.Roi?.End.ToArray(),
            halo,
            TaskCount: 0,
            options.JobType.ToString().ToLowerInvariant());
        var launcher = Launcher(options);
        return Box(DistributedRun.Start(manifest, DistributedRun.Partition(groups, options.Workers), launcher, options));
    }

    private static ITaskLauncher Launcher(RunOptions options) => options.JobType switch
    {
        JobType.Subprocess => new SubprocessLauncher(),
        JobType.Slurm => new SlurmLauncher(EffectiveSlurmConfig(options)),
        _ => throw new ArgumentException($"Job type {options.JobType} does not use worker processes.", nameof(options)),
    };

    /// <summary>Explicit settings over the config file over the defaults; Slurm needs a shared tmp_root.</summary>
    private static SlurmConfig EffectiveSlurmConfig(RunOptions options)
    {
        var config = (options.Slurm ?? new SlurmConfig()).Over(SlurmConfig.Load());
        config.Validate();
        return config;
    }

    /// <summary>Waits again for the Slurm jobs of a run folder (the submitting process may have ended) and finalizes it.</summary>
    public static void Reattach(string tmpFolder, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = EffectiveSlurmConfig(options);
        DistributedRun.Reattach(tmpFolder, folder => SlurmLauncher.Reattach(folder, config, options));
    }

    /// <summary>The Slurm settings a run would use, validated (explicit over the config file over the defaults); throws ArgumentException naming a bad setting.</summary>
    internal static void ValidateBackend(RunOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        if (options.JobType != JobType.Local)
        {
            _ = WorkerCommand.Resolve();
        }

        if (options.JobType == JobType.Slurm)
        {
            if (options.SharedTmpRoot is null)
            {
                throw new ArgumentException(SlurmTmpRootMissing, nameof(options));
            }

            EffectiveSlurmConfig(options);
        }
    }

    private const string SlurmTmpRootMissing = "The Slurm backend needs a tmp_root on a file system shared by this machine and the compute nodes: pass --tmp-root, or set tmp_root in the [slurm] table of the config file (bioimage config slurm --tmp-root DIR).";

    private static Dictionary<long, object?> Box(Dictionary<long, JsonElement> results) => results.ToDictionary(r => r.Key, r => (object?)r.Value);

    private static long[] LongRange(long count)
    {
        var ids = new long[count];
        for (long i = 0; i < count; i++)
        {
            ids[i] = i;
        }

        return ids;
    }

    private static SourceSpec SpecOf(ISource source, string role, bool requireWritable = false)
    {
        var spec = source.Spec ?? throw new ArgumentException($"Distributed execution requires file-backed {role} arrays (zarr, n5 or npy); in-memory data cannot be reopened by a worker process. Use job type local, or write the data to a file first.", role);
        if (spec.Format == "hdf5" && requireWritable)
        {
            throw new ArgumentException($"HDF5 ({spec.Path}) cannot be a distributed {role}: HDF5 files do not support concurrent writers from several processes. Write to Zarr or N5 instead (bioimage copy converts afterwards).", role);
        }

        return !requireWritable || source.Writable
            ? spec
            : throw new ArgumentException($"The {role} {spec.Path} is read-only; open it writable (mode \"r+\").", role);
    }

    private static void CheckShapes(long[] shape, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, ISource? mask)
    {
        foreach (var (source, role) in inputs.Select(s => (s, "input")).Concat(mask is null ? [] : [(mask, "mask")]))
        {
            if (!source.Shape.SequenceEqual(shape))
            {
                throw new ArgumentException($"The {role} shape ({string.Join(", ", source.Shape)}) differs from the domain shape ({string.Join(", ", shape)}).", role);
            }
        }

        foreach (var output in outputs)
        {
            if (output.Shape.Count < shape.Length || !output.Shape.Skip(output.Shape.Count - shape.Length).SequenceEqual(shape))
            {
                throw new ArgumentException($"The output shape ({string.Join(", ", output.Shape)}) must end with the domain shape ({string.Join(", ", shape)}).", nameof(outputs));
            }
        }
    }

    private static long[] BlockShapeFor(long[] shape, ISource? domain, IReadOnlyList<long>? requested)
    {
        var blockShape = requested?.ToArray() ?? domain?.Chunks?.ToArray() ?? shape.Select(e => Math.Max(e, 1)).ToArray();
        return blockShape.Length == shape.Length
            ? blockShape
            : throw new ArgumentException($"block_shape has {blockShape.Length} values but the data has {shape.Length} axes.", nameof(requested));
    }

    /// <summary>
    /// An output chunk must never be written by two blocks. Only block boundaries inside the array matter: an axis is
    /// safe when one block covers it, or when the block extent is a multiple of the chunk extent (then every boundary
    /// falls on a chunk boundary). The proposed shape rounds up to the chunks and never exceeds the array.
    /// </summary>
    internal static void CheckWriteSafety(IReadOnlyList<long> blockShape, IReadOnlyList<long> outputShape, IReadOnlyList<long>? outputChunks, string output)
    {
        if (outputChunks is not { } chunks)
        {
            return;
        }

        int rank = blockShape.Count;
        var spatial = chunks.Skip(chunks.Count - rank).ToArray();
        var extents = outputShape.Skip(outputShape.Count - rank).ToArray();
        bool Safe(int axis) => blockShape[axis] >= extents[axis] || blockShape[axis] % spatial[axis] == 0;
        if (!Enumerable.Range(0, rank).All(Safe))
        {
            var proposal = Enumerable.Range(0, rank).Select(axis => Safe(axis) ? blockShape[axis] : Math.Min(extents[axis], (blockShape[axis] + spatial[axis] - 1) / spatial[axis] * spatial[axis]));
            throw new ArgumentException($"Unsafe block shape for writing {output}: ({string.Join(", ", blockShape)}) is not a multiple of its chunks ({string.Join(", ", spatial)}) on an axis the blocks split, so two blocks would write the same chunk. Use e.g. --block-shape {string.Join(',', proposal)}.", nameof(blockShape));
        }
    }
}
