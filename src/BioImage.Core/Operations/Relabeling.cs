using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block-wise relabelling of integer label volumes on every backend, with bioimage-py's semantics:
/// <list type="bullet">
/// <item><see cref="Apply{TIn, TOut}(ISource, ISource, IReadOnlyDictionary{TIn, TOut}, RunOptions)"/> and
/// <see cref="ApplyTable{TIn, TOut}"/>: <c>relabel(input, labeling)</c> with a dictionary (every label present must
/// be a key) or a dense table (<c>np.take(table, labels)</c>).</item>
/// <item><see cref="Consecutive"/>: <c>relabel_consecutive(start_label, keep_zeros)</c> — pass 1 the block-wise
/// <see cref="UniqueValues"/>, then the mapping of <see cref="Relabel.ConsecutiveLabels{TIn, TOut}"/>, pass 2 a
/// <see cref="RelabelOperation"/>.</item>
/// <item><see cref="SizeFilter"/>: <c>size_filter(min_size, max_size, relabel)</c> — pass 1 unique with counts, then
/// <see cref="Kernels.SizeFilter.NewLabels{T}"/>, pass 2 a <see cref="RelabelOperation"/>.</item>
/// </list>
/// A mask restricts both passes to its voxels; output voxels outside it keep their previous value. The output must
/// be another array than the input. Distributed runs persist the mapping as .npy files: <see cref="Apply{TIn, TOut}(ISource, ISource, IReadOnlyDictionary{TIn, TOut}, RunOptions)"/>
/// in a temp folder under the tmp root (like bioimage-py's labeling store), the two-pass verbs in their run's scratch
/// folder (kept with a failed run for its resume). The result
/// equals the whole-volume kernel for any block shape, backend and worker count.
/// </summary>
public static class Relabeling
{
    /// <summary>Writes <c>mapping[input]</c> to <paramref name="output"/>; every label present (inside the mask) must be a key.</summary>
    /// <exception cref="ArgumentException">The element types differ from the sources' dtypes, or output is input.</exception>
    public static void Apply<TIn, TOut>(ISource input, ISource output, IReadOnlyDictionary<TIn, TOut> mapping, RunOptions options)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var keys = mapping.Keys.Order().ToArray();
        Apply(input, output, keys, keys.Select(k => mapping[k]).ToArray(), options);
    }

    /// <summary>Writes <c>table[input]</c> (numpy's <c>take</c>) to <paramref name="output"/>; labels outside the table throw.</summary>
    /// <exception cref="ArgumentException">The element types differ from the sources' dtypes, or output is input.</exception>
    public static void ApplyTable<TIn, TOut>(ISource input, ISource output, ReadOnlySpan<TOut> table, RunOptions options)
        where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        long usable = Math.Min(table.Length, long.CreateSaturating(TIn.MaxValue) + 1);
        var keys = new TIn[usable];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = TIn.CreateTruncating(i);
        }

        Apply(input, output, keys, table[..keys.Length].ToArray(), options);
    }

    /// <summary>Writes the mapping <c>keys[i] → values[i]</c> (keys sorted increasing and distinct) to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">The element types differ from the sources' dtypes, or output is input.</exception>
    public static void Apply<TIn, TOut>(ISource input, ISource output, TIn[] keys, TOut[] values, RunOptions options)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        CheckElementType<TIn>(input, "input");
        CheckElementType<TOut>(output, "output");
        if (ReferenceEquals(input, output) || (input.Spec is { } a && output.Spec is { } b && a.Path == b.Path && a.Key == b.Key))
        {
            throw new ArgumentException("Block-wise relabelling needs an output array other than the input.", nameof(output));
        }

        using var operation = new RelabelOperation();
        operation.SetMapping(keys, values);
        if (options.JobType == JobType.Local)
        {
            Runner.Run(operation, [input], [output], options);
            return;
        }

        string folder = Path.Combine(options.EffectiveTmpRoot, $"bioimage-labeling-{Guid.NewGuid():N}");
        operation.Save(folder);
        try
        {
            Runner.Run(operation, [input], [output], options);
        }
        catch (ArgumentException)
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Renumbers the labels consecutively (bioimage-py's <c>relabel_consecutive</c>): the sorted distinct values, 0
    /// included, map to <paramref name="startLabel"/>, <paramref name="startLabel"/> + 1, …; with
    /// <paramref name="keepZeros"/> a present 0 maps to 0 (so with start 1 the others start at 2, and with start 0 and
    /// no 0 present the smallest label becomes 0, as upstream).
    /// </summary>
    /// <exception cref="OperationRefusedException">Float dtypes, block ids (two passes: re-run whole).</exception>
    /// <exception cref="DataConditionException">The new labels do not fit the output's dtype.</exception>
    public static LabelMapping Consecutive(ISource input, ISource output, RunOptions options, long startLabel = 0, bool keepZeros = true) =>
        Executor.Compute(new RelabelConsecutiveVerb { StartLabel = startLabel, KeepZeros = keepZeros, DType = output?.DType }, [input], [output!], options);

    /// <summary>
    /// Removes objects by size (bioimage-py's <c>size_filter</c>): labels with fewer than <paramref name="minSize"/> or
    /// more than <paramref name="maxSize"/> voxels (bounds inclusive: a size equal to a bound is kept) become 0; with
    /// <paramref name="relabel"/> the surviving nonzero labels become 1..K in increasing order (0 stays 0).
    /// </summary>
    /// <exception cref="OperationRefusedException">No bound, float dtypes, block ids.</exception>
    /// <exception cref="DataConditionException">The new labels do not fit the output's dtype.</exception>
    public static SizeFilterResult SizeFilter(ISource input, ISource output, RunOptions options, long? minSize = null, long? maxSize = null, bool relabel = true) =>
        Executor.Compute(new SizeFilterVerb { MinSize = minSize, MaxSize = maxSize, Relabel = relabel, DType = output?.DType }, [input], [output!], options);

    /// <summary>
    /// Pass 2 of the relabelling verbs: writes the mapping <c>keys[i] → values[i]</c> block by block; worker processes
    /// read it from the run's scratch folder.
    /// </summary>
    internal static void Apply<TIn, TOut>(OperationRun run, TIn[] keys, TOut[] values)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut> =>
        Apply(run, run.Inputs[0], keys, values);

    /// <summary>The relabel pass over <paramref name="input"/> (e.g. an array an earlier pass wrote) into the run's outputs.</summary>
    internal static void Apply<TIn, TOut>(OperationRun run, ISource input, TIn[] keys, TOut[] values)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        using var operation = new RelabelOperation();
        operation.SetMapping(keys, values);
        if (run.Options.JobType != JobType.Local)
        {
            operation.Save(Path.Combine(run.Scratch, "mapping"));
        }

        run.Blocks(operation, [input], [run.Outputs[0]]);
    }

    private static void CheckElementType<T>(ISource source, string role)
    {
        if (source.DType.ClrType() != typeof(T) && !(source.DType == DType.Bool && typeof(T) == typeof(byte)))
        {
            throw new ArgumentException($"The {role} holds {source.DType.NumpyName()} values, not {typeof(T).Name}.", role);
        }
    }

    /// <summary>Converts new labels to the output's element type; a label that does not fit names the dtype.</summary>
    private static TOut[] Convert<TIn, TOut>(TIn[] labels, ISource output)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        try
        {
            return typeof(TIn) == typeof(TOut) ? (TOut[])(object)labels : labels.Select(TOut.CreateChecked).ToArray();
        }
        catch (OverflowException)
        {
            throw new DataConditionException($"The new labels (up to {labels.Max()}) do not fit the output's dtype {output.DType.NumpyName()}.");
        }
    }

    /// <summary>relabel_consecutive on typed labels: unique, then the consecutive mapping, then the relabel pass.</summary>
    internal sealed class ConsecutiveRun(OperationRun run, long startLabel, bool keepZeros) : IIntegerDTypeFunc<LabelMapping>
    {
        public LabelMapping Invoke<TIn>()
            where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn> =>
            run.Outputs[0].DType.DispatchInteger(new Typed<TIn>(run, startLabel, keepZeros), "relabel_consecutive's output");

        private sealed class Typed<TIn>(OperationRun run, long startLabel, bool keepZeros) : IIntegerDTypeFunc<LabelMapping>
            where TIn : unmanaged, IBinaryInteger<TIn>
        {
            public LabelMapping Invoke<TOut>()
                where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
            {
                var output = run.Outputs[0];
                var (oldLabels, _) = UniqueValues.Pass<TIn>(run, run.Inputs[0]);
                TOut[] newLabels;
                TOut maxLabel;
                try
                {
                    (newLabels, maxLabel) = Relabel.ConsecutiveLabels<TIn, TOut>(oldLabels, TOut.CreateChecked(startLabel), keepZeros);
                }
                catch (OverflowException)
                {
                    throw new DataConditionException($"{oldLabels.Length} labels starting at {startLabel} do not fit the output's dtype {output.DType.NumpyName()}.");
                }

                Apply(run, oldLabels, newLabels);
                return new LabelMapping(oldLabels, newLabels, long.CreateSaturating(maxLabel));
            }
        }
    }

    /// <summary>size_filter on typed labels: unique with counts, then the filtered mapping, then the relabel pass.</summary>
    internal sealed class SizeFilterRun(OperationRun run, long? minSize, long? maxSize, bool relabel) : IIntegerDTypeFunc<SizeFilterResult>
    {
        public SizeFilterResult Invoke<TIn>()
            where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn> =>
            run.Outputs[0].DType.DispatchInteger(new Typed<TIn>(run, minSize, maxSize, relabel), "size_filter's output");

        private sealed class Typed<TIn>(OperationRun run, long? minSize, long? maxSize, bool relabel) : IIntegerDTypeFunc<SizeFilterResult>
            where TIn : unmanaged, IBinaryInteger<TIn>
        {
            public SizeFilterResult Invoke<TOut>()
                where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
            {
                var (labels, sizes) = UniqueValues.Pass<TIn>(run, run.Inputs[0]);
                var (filtered, kept) = Kernels.SizeFilter.NewLabels<TIn>(labels, sizes, minSize, maxSize, relabel);
                var newLabels = Convert<TIn, TOut>(filtered, run.Outputs[0]);
                Apply(run, labels, newLabels);
                long objects = labels.Count(l => l != TIn.Zero);
                long maxLabel = newLabels.Length == 0 ? 0 : long.CreateSaturating(newLabels.Max());
                return new SizeFilterResult(new LabelMapping(labels, newLabels, maxLabel), kept, objects - kept);
            }
        }
    }
}

/// <summary>The mapping a relabelling applied.</summary>
/// <param name="OldLabels">The sorted distinct labels of the input (a <c>TIn[]</c>).</param>
/// <param name="NewLabels">The new label of each (a <c>TOut[]</c> of the output's element type).</param>
/// <param name="MaxLabel">The largest new label (0 when there are no labels).</param>
public sealed record LabelMapping(Array OldLabels, Array NewLabels, long MaxLabel)
{
    /// <summary>How many distinct labels the input has (0 included when present).</summary>
    public int Count => OldLabels.Length;
}

/// <summary>The result of <see cref="Relabeling.SizeFilter"/>.</summary>
/// <param name="Mapping">The mapping applied (removed labels map to 0).</param>
/// <param name="Kept">Nonzero labels that survive.</param>
/// <param name="Removed">Nonzero labels removed.</param>
public sealed record SizeFilterResult(LabelMapping Mapping, long Kept, long Removed);
