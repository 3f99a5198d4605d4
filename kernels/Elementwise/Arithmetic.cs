using System.Numerics;
using System.Numerics.Tensors;

namespace BioImage.Kernels;

/// <summary>The arithmetic of numpy's element-wise ufuncs that keep the operands' type.</summary>
public enum ArithmeticOperator
{
    /// <summary><c>x + y</c> (integers wrap around).</summary>
    Add,

    /// <summary><c>x - y</c> (integers wrap around).</summary>
    Subtract,

    /// <summary><c>x * y</c> (integers wrap around).</summary>
    Multiply,

    /// <summary><c>x / y</c> (IEEE division for floats; integers truncate toward zero and throw on zero).</summary>
    Divide,

    /// <summary>The smaller of <c>x</c> and <c>y</c>; NaN when either is NaN (numpy's <c>minimum</c>).</summary>
    Minimum,

    /// <summary>The larger of <c>x</c> and <c>y</c>; NaN when either is NaN (numpy's <c>maximum</c>).</summary>
    Maximum,
}

/// <summary>
/// Element-wise arithmetic <c>destination[i] = x[i] ∘ y[i]</c> or <c>x[i] ∘ y</c> over one element type, on
/// <see cref="TensorPrimitives"/> (vectorized at the widest register width the process has, scalar tail). O(n), no
/// allocation; the destination may be <c>x</c> itself (in place), never a partial overlap.
/// </summary>
/// <remarks>
/// This is numpy's ufunc inner loop once both operands have the result type (type promotion is the caller's):
/// integers wrap around on overflow as numpy's do (two's complement, no saturation), floats follow IEEE 754, and
/// minimum/maximum propagate NaN as numpy's <c>np.minimum</c>/<c>np.maximum</c> do (the sign of a zero result of
/// <c>minimum(0.0, -0.0)</c> may differ from numpy's, whose SIMD paths differ among themselves; the values are equal).
/// </remarks>
public static class Arithmetic
{
    /// <summary>Writes <c>x[i] ∘ y[i]</c> to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Apply<T>(ArithmeticOperator operation, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        if (y.Length != x.Length || destination.Length != x.Length)
        {
            throw new ArgumentException($"x, y and destination must have the same length; got {x.Length}, {y.Length} and {destination.Length}.", nameof(destination));
        }

        switch (operation)
        {
            case ArithmeticOperator.Add: TensorPrimitives.Add(x, y, destination); break;
            case ArithmeticOperator.Subtract: TensorPrimitives.Subtract(x, y, destination); break;
            case ArithmeticOperator.Multiply: TensorPrimitives.Multiply(x, y, destination); break;
            case ArithmeticOperator.Divide: TensorPrimitives.Divide(x, y, destination); break;
            case ArithmeticOperator.Minimum: TensorPrimitives.Min(x, y, destination); break;
            case ArithmeticOperator.Maximum: TensorPrimitives.Max(x, y, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not an arithmetic operator.");
        }
    }

    /// <summary>Writes <c>x[i] ∘ y</c> to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> differs in length from <paramref name="x"/>.</exception>
    public static void Apply<T>(ArithmeticOperator operation, ReadOnlySpan<T> x, T y, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length != x.Length)
        {
            throw new ArgumentException($"x and destination must have the same length; got {x.Length} and {destination.Length}.", nameof(destination));
        }

        switch (operation)
        {
            case ArithmeticOperator.Add: TensorPrimitives.Add(x, y, destination); break;
            case ArithmeticOperator.Subtract: TensorPrimitives.Subtract(x, y, destination); break;
            case ArithmeticOperator.Multiply: TensorPrimitives.Multiply(x, y, destination); break;
            case ArithmeticOperator.Divide: TensorPrimitives.Divide(x, y, destination); break;
            case ArithmeticOperator.Minimum: TensorPrimitives.Min(x, y, destination); break;
            case ArithmeticOperator.Maximum: TensorPrimitives.Max(x, y, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not an arithmetic operator.");
        }
    }
}
