namespace BioImage.Operations;

/// <summary>
/// numpy 1.24's result types of binary ufuncs (the rules of Debian 12's python3-numpy, the oracle of the tests):
/// <see cref="Promote"/> is <c>np.promote_types</c> for two arrays, <see cref="WithScalar"/> the legacy value-based
/// casting of an array with a Python scalar (<c>uint8 + 300 → uint16</c>, <c>int8 + 5 → int8</c>,
/// <c>uint8 + (−1) → int16</c>, <c>float32 + 100000 → float64</c>), which numpy 2 (NEP 50) dropped.
/// </summary>
public static class NumpyPromotion
{
    /// <summary>
    /// <c>np.promote_types(a, b)</c>: bool yields to anything; within a kind the larger type; a signed and an unsigned
    /// integer give the smallest signed type holding both (float64 beside uint64); integers of up to 16 bits keep
    /// float32, wider ones need float64.
    /// </summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b || b == DType.Bool)
        {
            return a;
        }

        if (a == DType.Bool)
        {
            return b;
        }

        if (a.IsFloatingPoint() || b.IsFloatingPoint())
        {
            var integer = a.IsFloatingPoint() ? b : a;
            return a == DType.Float64 || b == DType.Float64 || integer.ItemSize() > 2 ? DType.Float64 : DType.Float32;
        }

        if (a.IsSigned() == b.IsSigned())
        {
            return a.ItemSize() >= b.ItemSize() ? a : b;
        }

        var (signed, unsigned) = a.IsSigned() ? (a, b) : (b, a);
        return signed.ItemSize() > unsigned.ItemSize()
            ? signed
            : unsigned.ItemSize() switch { 1 => DType.Int16, 2 => DType.Int32, 4 => DType.Int64, _ => DType.Float64 };
    }

    /// <summary>
    /// The result type of an array of <paramref name="array"/>'s type with a Python scalar under numpy 1.24: when the
    /// scalar is of a higher kind (bool &lt; integer &lt; float) it counts as its default type (int64, uint64 beyond
    /// int64, float64); otherwise as the smallest type holding its value (<c>np.min_scalar_type</c>), where a
    /// non-negative integer that fits the signed type of its size counts as signed beside a signed array.
    /// </summary>
    public static DType WithScalar(DType array, ScalarOperand scalar)
    {
        int arrayKind = array == DType.Bool ? 0 : array.IsFloatingPoint() ? 2 : 1;
        int scalarKind = scalar.IsInteger ? 1 : 2;
        if (scalarKind > arrayKind)
        {
            var own = !scalar.IsInteger ? DType.Float64 : scalar.IsNegative || scalar.Magnitude <= long.MaxValue ? DType.Int64 : DType.UInt64;
            return Promote(array, own);
        }

        if (!scalar.IsInteger)
        {
            // Both floats: min_scalar_type is float16 or float32 unless the value overflows float32.
            return array == DType.Float32 && double.IsFinite(scalar.Value) && Math.Abs(scalar.Value) > float.MaxValue ? DType.Float64 : array;
        }

        return Promote(array, SmallestInteger(scalar, signedNeighbour: array.IsSigned()));
    }

    /// <summary><c>np.min_scalar_type</c> of an integer; a small non-negative one as signed when the other operand is signed.</summary>
    private static DType SmallestInteger(ScalarOperand scalar, bool signedNeighbour)
    {
        ulong magnitude = scalar.Magnitude;
        if (scalar.IsNegative)
        {
            return magnitude <= 1UL << 7 ? DType.Int8 : magnitude <= 1UL << 15 ? DType.Int16 : magnitude <= 1UL << 31 ? DType.Int32 : DType.Int64;
        }

        var (unsigned, signed, signedMax) = magnitude switch
        {
            <= byte.MaxValue => (DType.UInt8, DType.Int8, (ulong)sbyte.MaxValue),
            <= ushort.MaxValue => (DType.UInt16, DType.Int16, (ulong)short.MaxValue),
            <= uint.MaxValue => (DType.UInt32, DType.Int32, (ulong)int.MaxValue),
            _ => (DType.UInt64, DType.Int64, (ulong)long.MaxValue),
        };
        return signedNeighbour && magnitude <= signedMax ? signed : unsigned;
    }
}
