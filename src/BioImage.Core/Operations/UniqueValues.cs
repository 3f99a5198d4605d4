using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>unique</c>: block-wise distinct values of a volume, optionally with their counts — bioimage-py's
/// <c>stats.unique(input, return_counts)</c>: every block reduces with <see cref="Unique.ValuesAndCounts{T}"/> (only
/// voxels inside the mask, when one is given), and the blocks merge with <see cref="Unique.Merge{T}"/>. The result
/// is the same for any block shape, backend and worker count; no voxel (all masked out) gives empty arrays.
/// Floats count through <see cref="FloatKeys"/> as <c>np.unique</c> (numpy 1.24) does: −0.0 and +0.0 are one value,
/// reported with the sign of the first zero in C order; all NaNs are one value, last.
/// </summary>
public sealed class UniqueValues : Operation<UniqueResult>
{
    /// <summary>Also count the voxels of each value.</summary>
    public bool Counts { get; set; }

    /// <inheritdoc />
    public override string Name => "unique";

    /// <summary>The sorted distinct values of <paramref name="input"/> (any dtype) and how often each occurs.</summary>
    /// <param name="input">The volume.</param>
    /// <param name="options">Backend, workers, block shape, mask, block ids.</param>
    /// <param name="counts">Also count the voxels of each value.</param>
    public static UniqueResult Compute(ISource input, RunOptions options, bool counts = false) =>
        Executor.Compute(new UniqueValues { Counts = counts }, [input], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs) => VerbInputs.Require(inputs, 1, Name);

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override UniqueResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Inputs[0].DType switch
        {
            DType.Float32 => Floats<float, int>(run, Counts),
            DType.Float64 => Floats<double, long>(run, Counts),
            var dtype => dtype.DispatchInteger(new Typed(run, Counts), "unique's input"),
        };
    }

    /// <inheritdoc />
    public override JsonObject Fields(UniqueResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["count"] = result.Values.Length,
            ["values"] = JsonSerializer.SerializeToNode(result.Values, OperationOutcome.Json.Info(result.Values.GetType())),
            ["counts"] = result.Counts is null ? null : CoreJson.Node(result.Counts),
        };
    }

    /// <inheritdoc />
    public override string Describe(UniqueResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var values = result.Values.Cast<object>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToArray();
        return $"{values.Length} distinct values\n" + (result.Counts is { } sizes
            ? string.Join('\n', values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{v}\t{sizes[i]}")))
            : string.Join(' ', values));
    }

    /// <summary>The sorted distinct values and their counts of an input whose element type is <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The input's dtype is not <typeparamref name="T"/>.</exception>
    public static (T[] Values, long[] Counts) Compute<T>(ISource input, RunOptions options)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType.ClrType() != typeof(T) && !(input.DType == DType.Bool && typeof(T) == typeof(byte)))
        {
            throw new ArgumentException($"The input holds {input.DType.NumpyName()} values, not {typeof(T).Name}.", nameof(input));
        }

        var result = Compute(input, options, counts: true);
        return ((T[])result.Values, result.Counts!);
    }

    /// <summary>The sorted distinct values and their counts of an input whose element type is <typeparamref name="T"/>: one reduce pass of <paramref name="run"/>.</summary>
    internal static (T[] Values, long[] Counts) Pass<T>(OperationRun run, ISource input)
        where T : unmanaged, IBinaryInteger<T> =>
        Unique.Merge(Blocks<T>(run, input, counts: true));

    private static IEnumerable<(T[] Values, long[] Counts)> Blocks<T>(OperationRun run, ISource input, bool counts)
        where T : unmanaged, IBinaryInteger<T> =>
        Reduce(run, input, counts).Select(r => (r.Value.Values.Select(T.CreateTruncating).ToArray(), r.Value.Counts ?? new long[r.Value.Values.Length]));

    private static IReadOnlyList<BlockResult<UniqueBlock>> Reduce(OperationRun run, ISource input, bool counts)
    {
        return run.Reduce(new UniqueOperation { Counts = counts }, [input]);
    }

    /// <summary>Float values: the blocks' keys merged, turned back into floats; the zero takes the sign of the first zero in C order.</summary>
    private static UniqueResult Floats<TFloat, TKey>(OperationRun run, bool counts)
        where TFloat : unmanaged, IBinaryFloatingPointIeee754<TFloat>
        where TKey : unmanaged, IBinaryInteger<TKey>, ISignedNumber<TKey>, IMinMaxValue<TKey>
    {
        var input = run.Inputs[0];
        var blocks = Reduce(run, input, counts);
        var (keys, merged) = Unique.Merge(blocks.Select(r => (r.Value.Values, r.Value.Counts ?? new long[r.Value.Values.Length])));
        var firstZero = blocks.Select(r => r.Value).Where(b => b.FirstZero is not null).MinBy(b => b.FirstZero);
        var values = new TFloat[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            values[i] = FloatKeys.FromKey<TFloat, TKey>(TKey.CreateTruncating(keys[i]));
            values[i] = keys[i] == 0 && firstZero is { NegativeZero: true } ? -values[i] : values[i];
        }

        return new UniqueResult(input.DType, values, counts ? merged : null);
    }

    private sealed class Typed(OperationRun run, bool counts) : IIntegerDTypeFunc<UniqueResult>
    {
        public UniqueResult Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var input = run.Inputs[0];
            var (values, merged) = Unique.Merge(Blocks<T>(run, input, counts));
            return new UniqueResult(input.DType, values, counts ? merged : null);
        }
    }
}

/// <summary>The result of <see cref="UniqueValues.Compute(ISource, RunOptions, bool)"/>.</summary>
/// <param name="DType">The input's dtype.</param>
/// <param name="Values">The sorted distinct values (NaN last), a <c>T[]</c> of the dtype's element type (<see cref="byte"/> for bool).</param>
/// <param name="Counts">The voxel count of each value (int64), or null when counts were not asked for.</param>
public sealed record UniqueResult(DType DType, Array Values, long[]? Counts);

/// <summary>
/// Block step of <see cref="UniqueValues"/>: the distinct values of the block (inside the mask) and, with
/// <see cref="Counts"/>, their counts. Values travel as their 64-bit two's-complement pattern (exact for every
/// integer dtype, uint64 included) and convert back with <c>T.CreateTruncating</c>; floats travel as their
/// <see cref="FloatKeys"/>, with the position and sign of the block's first zero.
/// </summary>
public sealed class UniqueOperation : ReduceOperation<UniqueBlock>
{
    /// <summary>Also return the count of each value.</summary>
    public bool Counts { get; set; }

    /// <inheritdoc />
    public override UniqueBlock Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        int threads = block.Threads;
        return block.Inputs[0].DType switch
        {
            DType.Float32 => FloatBlock<float, int>(block, threads),
            DType.Float64 => FloatBlock<double, long>(block, threads),
            var dtype => dtype.DispatchInteger(new BlockUnique(block, Counts, threads), "unique's input"),
        };
    }

    /// <summary>The block's mask flags, or null without a mask.</summary>
    private static bool[]? Inside(BlockContext block) => block.Mask is null ? null : MaskFlags.Read(block.Mask, block.Block.Inner);

    /// <summary>Moves the values inside the mask to the front (C order kept) and returns how many there are.</summary>
    private static int KeepInside<T>(NdArray<T> data, bool[]? inside)
        where T : unmanaged =>
        inside is null ? data.Length : MaskFlags.Compact(data.Span, inside);

    private static (T[] Values, long[] Counts) Count<T>(NdArray<T> data, int kept, int threads)
        where T : unmanaged, IBinaryInteger<T> =>
        Unique.ValuesAndCounts(kept == data.Length ? BlockData.Folded(data).Span : new ReadOnlySpan3D<T>(data.Span[..kept], 1, 1, kept), threads);

    private UniqueBlock FloatBlock<TFloat, TKey>(BlockContext block, int threads)
        where TFloat : unmanaged, IBinaryFloatingPointIeee754<TFloat>
        where TKey : unmanaged, IBinaryInteger<TKey>, ISignedNumber<TKey>, IMinMaxValue<TKey>
    {
        var region = block.Block.Inner;
        using var data = BlockData.Read<TFloat>(block.Inputs[0], region);
        var inside = Inside(block);
        int zero = 0;
        while (zero < data.Length && (data.Span[zero] != TFloat.Zero || inside?[zero] == false))
        {
            zero++;
        }

        long? firstZero = zero < data.Length ? GlobalIndex(region, block.Inputs[0].Shape, zero) : null;
        bool negativeZero = zero < data.Length && TFloat.IsNegative(data.Span[zero]);
        int kept = KeepInside(data, inside);
        using var keys = NdArray<TKey>.Allocate(data.Shape, clear: false);
        FloatKeys.ToKeys<TFloat, TKey>(data.Span[..kept], keys.Span);
        var (values, sizes) = Count(keys, kept, threads);
        return new UniqueBlock(values.Select(long.CreateTruncating).ToArray(), Counts ? sizes : null) { FirstZero = firstZero, NegativeZero = negativeZero };
    }

    /// <summary>The C-order index in the whole volume of the block's voxel at C-order index <paramref name="local"/>.</summary>
    private static long GlobalIndex(Region region, IReadOnlyList<long> shape, long local)
    {
        long index = 0;
        long below = 1;
        for (int axis = region.Rank - 1; axis >= 0; axis--)
        {
            index += (region.Begin[axis] + (local % region.Shape[axis])) * below;
            local /= region.Shape[axis];
            below *= shape[axis];
        }

        return index;
    }

    private sealed class BlockUnique(BlockContext block, bool counts, int threads) : IIntegerDTypeFunc<UniqueBlock>
    {
        public UniqueBlock Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            using var data = BlockData.Read<T>(block.Inputs[0], block.Block.Inner);
            int kept = KeepInside(data, Inside(block));
            var (values, sizes) = Count(data, kept, threads);
            return new UniqueBlock(values.Select(long.CreateTruncating).ToArray(), counts ? sizes : null);
        }
    }
}

/// <summary>One block's distinct values (as 64-bit two's-complement patterns) and, when asked for, their counts.</summary>
/// <param name="Values">The sorted distinct values.</param>
/// <param name="Counts">How often each occurs, or null.</param>
public sealed record UniqueBlock(long[] Values, long[]? Counts)
{
    /// <summary>Float input: the C-order index (in the whole volume) of the block's first zero inside the mask, or null.</summary>
    public long? FirstZero { get; init; }

    /// <summary>Float input: that zero is −0.0.</summary>
    public bool NegativeZero { get; init; }
}
