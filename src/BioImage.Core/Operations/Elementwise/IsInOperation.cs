using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Runners;

namespace BioImage.Operations;

/// <summary>
/// <c>isin</c> (bioimage-py's <c>isin</c>, i.e. <c>np.isin(x, values)</c>): a bool block, true where x's voxel equals one
/// of <see cref="Values"/> by value (a test value that x's dtype cannot hold exactly, such as 2.5 or 300 for uint8 or
/// 0.1 for float32, matches nothing; NaN matches nothing), through <see cref="Membership.IsIn{T}"/>. With a mask,
/// out-of-mask voxels keep the output's values. O(block voxels).
/// </summary>
public sealed class IsInOperation : BlockOperation
{
    /// <summary>The test values as Python literals (integers stay exact beyond 2^53).</summary>
    public IReadOnlyList<string> Values { get; set; } = [];

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Inputs[0].DType.Dispatch(new Test(Values, block));
    }

    /// <summary>The test values that element type <typeparamref name="T"/> holds exactly, converted to it.</summary>
    internal static T[] Representable<T>(IReadOnlyList<string> values)
        where T : unmanaged, INumber<T>
    {
        var kept = new List<T>(values.Count);
        foreach (string text in values)
        {
            var operand = ScalarOperand.Parse(text);
            var value = operand.As<T>();
            bool exact = operand.IsInteger
                ? Int128.CreateSaturating(value) == (operand.IsNegative ? -(Int128)operand.Magnitude : operand.Magnitude) && !T.IsNaN(value) && T.IsInteger(value)
                : !double.IsNaN(operand.Value) && double.CreateTruncating(value) == operand.Value;
            if (exact)
            {
                kept.Add(value);
            }
        }

        return [.. kept];
    }

    private sealed class Test(IReadOnlyList<string> values, BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            using var x = ElementwiseBlocks.Read<T>(block.Inputs[0], region);
            using var flags = NdArray<byte>.Allocate(x.Shape, clear: false);
            Membership.IsIn<T>(x.Span, Representable<T>(values), MemoryMarshal.Cast<byte, bool>(flags.Span));
            ElementwiseBlocks.Write(block, flags);
            return true;
        }
    }
}
