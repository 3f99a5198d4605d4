using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block-wise distinct values of an integer volume, optionally with their counts — bioimage-py's
/// <c>stats.unique(input, return_counts)</c>: every block reduces with <see cref="Unique.ValuesAndCounts{T}"/> (only
/// voxels inside the mask, when one is given), and the blocks merge with <see cref="Unique.Merge{T}"/>. The result
/// is the same for any block shape, backend and worker count; no voxel (all masked out) gives empty arrays.
/// </summary>
public static class UniqueValues
{
    /// <summary>The sorted distinct values of <paramref name="input"/> (any integer or bool dtype) and how often each occurs.</summary>
    /// <param name="input">The volume.</param>
    /// <param name="options">Backend, workers, block shape, mask, block ids, resume folder.</param>
    /// <param name="counts">Also count the voxels of each value.</param>
    /// <exception cref="ArgumentException">The input is floating-point.</exception>
    public static UniqueResult Compute(ISource input, RunOptions options, bool counts = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.DType.DispatchInteger(new Typed(input, options, counts), "unique's input");
    }

    /// <summary>The sorted distinct values and their counts of an input whose element type is <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The input's dtype is not <typeparamref name="T"/>.</exception>
    public static (T[] Values, long[] Counts) Compute<T>(ISource input, RunOptions options)
        where T : unmanaged, IBinaryInteger<T>
    {
        var parts = Run<T>(input, options, counts: true);
        return Unique.Merge(parts);
    }

    private static IEnumerable<(T[] Values, long[] Counts)> Run<T>(ISource input, RunOptions options, bool counts)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType.ClrType() != typeof(T) && !(input.DType == DType.Bool && typeof(T) == typeof(byte)))
        {
            throw new ArgumentException($"The input holds {input.DType.NumpyName()} values, not {typeof(T).Name}.", nameof(input));
        }

        // An unchunked input without a block shape is one block: let the kernel use the workers as threads.
        bool oneBlock = options.JobType == JobType.Local && options.BlockShape is null && input.Chunks is null;
        var results = Runner.Run(new UniqueOperation { Counts = counts, Threads = oneBlock ? options.Workers : 1 }, [input], options);
        return results.Select(r => (r.Value.Values.Select(T.CreateTruncating).ToArray(), r.Value.Counts ?? new long[r.Value.Values.Length]));
    }

    private sealed class Typed(ISource input, RunOptions options, bool counts) : IIntegerDTypeFunc<UniqueResult>
    {
        public UniqueResult Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var (values, merged) = Unique.Merge(Run<T>(input, options, counts));
            return new UniqueResult(input.DType, values, counts ? merged : null);
        }
    }
}

/// <summary>The result of <see cref="UniqueValues.Compute(ISource, RunOptions, bool)"/>.</summary>
/// <param name="DType">The input's dtype.</param>
/// <param name="Values">The sorted distinct values, a <c>T[]</c> of the dtype's element type (<see cref="byte"/> for bool).</param>
/// <param name="Counts">The voxel count of each value (int64), or null when counts were not asked for.</param>
public sealed record UniqueResult(DType DType, Array Values, long[]? Counts);

/// <summary>
/// Block step of <see cref="UniqueValues"/>: the distinct values of the block (inside the mask) and, with
/// <see cref="Counts"/>, their counts. Values travel as their 64-bit two's-complement pattern (exact for every
/// integer dtype, uint64 included) and convert back with <c>T.CreateTruncating</c>.
/// </summary>
public sealed class UniqueOperation : ReduceOperation<UniqueBlock>
{
    /// <summary>Also return the count of each value.</summary>
    public bool Counts { get; set; }

    /// <summary>Threads the kernel uses within a block (≥ 1; more than 1 only when the volume is a single block).</summary>
    public int Threads { get; set; } = 1;

    /// <inheritdoc />
    public override UniqueBlock Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.DispatchInteger(new BlockUnique(block, Counts, Math.Max(1, Threads)), "unique's input");
    }

    private sealed class BlockUnique(BlockContext block, bool counts, int threads) : IIntegerDTypeFunc<UniqueBlock>
    {
        public UniqueBlock Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var region = block.Block.Inner;
            using var data = BlockData.Read<T>(block.Inputs[0], region);
            int kept = data.Length;
            if (block.Mask is not null)
            {
                var inside = MaskFlags.Read(block.Mask, region);
                kept = 0;
                for (int i = 0; i < inside.Length; i++)
                {
                    if (inside[i])
                    {
                        data.Span[kept++] = data.Span[i];
                    }
                }
            }

            var folded = BlockData.Folded(data).Span;
            var (values, sizes) = Unique.ValuesAndCounts(kept == data.Length ? folded : new ReadOnlySpan3D<T>(data.Span[..kept], 1, 1, kept), threads);
            return new UniqueBlock(values.Select(long.CreateTruncating).ToArray(), counts ? sizes : null);
        }
    }
}

/// <summary>One block's distinct values (as 64-bit two's-complement patterns) and, when asked for, their counts.</summary>
/// <param name="Values">The sorted distinct values.</param>
/// <param name="Counts">How often each occurs, or null.</param>
public sealed record UniqueBlock(long[] Values, long[]? Counts);
