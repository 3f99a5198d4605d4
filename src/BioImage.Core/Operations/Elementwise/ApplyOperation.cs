using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>apply</c> (bioimage-py's <c>apply_operation</c>): reads the block of x and of the second operand —
/// a scalar, the same block of a same-shape input, or the block's broadcast of a smaller array — converts both to the
/// type numpy computes in (<see cref="ComputeDType"/>), applies the operator with the SIMD kernels
/// (<see cref="Arithmetic"/>, <see cref="Comparison"/>) and writes the block. With a mask, out-of-mask voxels keep the
/// output's values. O(block voxels); the broadcast operand is read per block over its own extent only.
/// </summary>
/// <remarks>
/// A broadcast operand has x's rank or fewer axes (numpy aligns trailing axes), each equal to x's or 1. It is not the
/// runner's domain, so local runs pass it as <see cref="OperandSource"/> and workers reopen it from <see cref="Operand"/>;
/// a same-shape operand is the step's second input instead.
/// </remarks>
public sealed class ApplyOperation : BlockOperation
{
    private readonly Lock _opening = new();

    /// <summary>The numpy operator.</summary>
    public ElementwiseOperator Operator { get; set; }

    /// <summary>The type both operands are converted to before the operator runs (<see cref="ElementwiseOperators.ComputeType"/>).</summary>
    public DType ComputeDType { get; set; }

    /// <summary>The scalar operand as text (a Python int or float literal); null when the operand is an array.</summary>
    public string? Scalar { get; set; }

    /// <summary>A broadcast operand (shape differs from x's), reopened by worker processes; null otherwise or for an in-memory operand run locally.</summary>
    public SourceSpec? Operand { get; set; }

    /// <summary>
    /// In place on workers: a folder where each block saves x's values (in the compute type) before it writes, and
    /// where a re-run of the block (a resume) reads them back instead of its own earlier result; null otherwise.
    /// </summary>
    public string? Originals { get; set; }

    /// <summary>The opened broadcast operand (local runs; not serialized).</summary>
    [JsonIgnore]
    public ISource? OperandSource { get; set; }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        ComputeDType.Dispatch(new Compute(this, block));
    }

    /// <summary>The second operand when it is an array: the step's second input, else the broadcast operand.</summary>
    private ISource? ArrayOperand(BlockContext block)
    {
        if (block.Inputs.Count > 1)
        {
            return block.Inputs[1];
        }

        if (Operand is null)
        {
            return OperandSource;
        }

        lock (_opening)
        {
            return OperandSource ??= Source.Open(Operand);
        }
    }

    /// <summary>The region of <paramref name="operand"/> that broadcasts onto <paramref name="region"/> of x: its size-1 axes whole, the others as the region (the region itself for a same-shape operand).</summary>
    internal static Region BroadcastRegion(ISource operand, Region region)
    {
        int rank = operand.Shape.Count, skipped = region.Rank - rank;
        var begin = new long[rank];
        var end = new long[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            bool broadcast = operand.Shape[axis] == 1;
            begin[axis] = broadcast ? 0 : region.Begin[skipped + axis];
            end[axis] = broadcast ? 1 : region.End[skipped + axis];
        }

        return new Region(begin, end);
    }

    /// <summary>One block in compute type <c>T</c>.</summary>
    private sealed class Compute(ApplyOperation step, BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            using var x = step.Originals is null ? ElementwiseBlocks.Read<T>(block.Inputs[0], region) : Original<T>(step.Originals, block);
            using var flags = step.Operator.IsComparison() ? NdArray<byte>.Allocate(x.Shape, clear: false) : null;
            var rows = new Rows<T>(step.Operator, step.ComputeDType, x, flags);
            if (step.Scalar is { } text)
            {
                rows.Apply(0, x.Length, ScalarOperand.Parse(text).As<T>());
            }
            else
            {
                var operand = step.ArrayOperand(block) ?? throw new InvalidOperationException("apply: the step has neither a scalar nor an array operand.");
                using var y = step.Originals is not null && SameArray(operand, block.Inputs[0])
                    ? NdArray<T>.Wrap(x.ToArray(), x.Shape) // y is x, being rewritten: the saved values
                    : ElementwiseBlocks.Read<T>(operand, BroadcastRegion(operand, region));
                Broadcast(rows, x, y);
            }

            if (flags is null)
            {
                ElementwiseBlocks.Write(block, x);
            }
            else
            {
                ElementwiseBlocks.Write(block, flags);
            }

            return true;
        }

        private static bool SameArray(ISource a, ISource b) =>
            ReferenceEquals(a, b) || (a.Spec is { } first && b.Spec is { } second && first.Path == second.Path && first.Key == second.Key);

        /// <summary>x's block as saved before its first write (saving it atomically if this is the first run of the block).</summary>
        private static NdArray<T> Original<T>(string folder, BlockContext block)
            where T : unmanaged, INumber<T>
        {
            string path = Path.Combine(folder, $"{block.Block.BlockId}.raw");
            if (File.Exists(path))
            {
                var saved = NdArray<T>.Allocate(block.Block.Inner.GetShapeAsInt32(), clear: false);
                using var stream = File.OpenRead(path);
                stream.ReadExactly(MemoryMarshal.AsBytes(saved.Span));
                return saved;
            }

            var read = ElementwiseBlocks.Read<T>(block.Inputs[0], block.Block.Inner);
            File.WriteAllBytes(path + ".tmp", MemoryMarshal.AsBytes(read.Span));
            File.Move(path + ".tmp", path, overwrite: true);
            return read;
        }

        /// <summary>Applies the operator row by row of x (padded to 3D), against y's matching row or its single value where y's last axis is broadcast.</summary>
        private static void Broadcast<T>(Rows<T> rows, NdArray<T> x, NdArray<T> y)
            where T : unmanaged, INumber<T>
        {
            if (y.Length == x.Length)
            {
                rows.Apply(0, x.Length, y.Span);
                return;
            }

            var (depth, height, width) = Padded(x.Shape);
            var (yDepth, yHeight, yWidth) = Padded(y.Shape);
            for (int z = 0; z < depth; z++)
            {
                for (int r = 0; r < height; r++)
                {
                    int at = ((z * height) + r) * width;
                    int yAt = (((yDepth == 1 ? 0 : z) * yHeight) + (yHeight == 1 ? 0 : r)) * yWidth;
                    if (yWidth == width)
                    {
                        rows.Apply(at, width, y.Span.Slice(yAt, width));
                    }
                    else
                    {
                        rows.Apply(at, width, y.Span[yAt]);
                    }
                }
            }
        }

        private static (int Depth, int Height, int Width) Padded(ReadOnlySpan<int> shape) => shape.Length switch
        {
            1 => (1, 1, shape[0]),
            2 => (1, shape[0], shape[1]),
            _ => (shape[0], shape[1], shape[2]),
        };
    }

    /// <summary>The operator on a run of x's elements: arithmetic in place in x, comparisons into the flags.</summary>
    private sealed class Rows<T>(ElementwiseOperator operation, DType compute, NdArray<T> x, NdArray<byte>? flags)
        where T : unmanaged, INumber<T>
    {
        private readonly ArithmeticOperator _arithmetic = operation.IsComparison() ? default : operation.Arithmetic(compute);
        private readonly ComparisonOperator _comparison = operation.IsComparison() ? operation.Comparison() : default;

        public void Apply(int start, int length, ReadOnlySpan<T> y)
        {
            var values = x.Span.Slice(start, length);
            if (flags is null)
            {
                Arithmetic.Apply(_arithmetic, values, y, values);
            }
            else
            {
                Comparison.Apply(_comparison, values, y, MemoryMarshal.Cast<byte, bool>(flags.Span.Slice(start, length)));
            }
        }

        public void Apply(int start, int length, T y)
        {
            var values = x.Span.Slice(start, length);
            if (flags is null)
            {
                Arithmetic.Apply(_arithmetic, values, y, values);
            }
            else
            {
                Comparison.Apply(_comparison, values, y, MemoryMarshal.Cast<byte, bool>(flags.Span.Slice(start, length)));
            }
        }
    }
}
