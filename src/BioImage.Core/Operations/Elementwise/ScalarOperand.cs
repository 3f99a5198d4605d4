using System.Globalization;
using System.Numerics;

namespace BioImage.Operations;

/// <summary>
/// A Python number given as text, as numpy sees it: an integer literal (<c>5</c>, <c>-200</c>, up to the uint64 range)
/// is a Python int, anything else (<c>1.5</c>, <c>1e3</c>, <c>nan</c>, <c>inf</c>) a Python float. The kind and the
/// value decide the result type under numpy 1.24's value-based casting (<see cref="NumpyPromotion.WithScalar"/>).
/// </summary>
public readonly record struct ScalarOperand
{
    private readonly ulong _magnitude;
    private readonly bool _negative;

    private ScalarOperand(bool isInteger, ulong magnitude, bool negative, double value)
    {
        IsInteger = isInteger;
        _magnitude = magnitude;
        _negative = negative;
        Value = value;
    }

    /// <summary>True for a Python int, false for a Python float.</summary>
    public bool IsInteger { get; }

    /// <summary>The value as a double (rounded for integers beyond 2^53).</summary>
    public double Value { get; }

    /// <summary>True for a negative integer.</summary>
    public bool IsNegative => IsInteger && _negative;

    /// <summary>For integers: the absolute value.</summary>
    public ulong Magnitude => _magnitude;

    /// <summary>Parses a number the way Python reads a literal.</summary>
    /// <exception cref="ArgumentException">Not a number, or an integer outside int64 … uint64.</exception>
    public static ScalarOperand Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        bool negative = trimmed.StartsWith('-');
        string digits = negative || trimmed.StartsWith('+') ? trimmed[1..] : trimmed;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
        {
            bool fits = ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong magnitude);
            if (!fits || (negative && magnitude > 1UL << 63))
            {
                throw new ArgumentException($"{text} is outside the integer range int64 … uint64 that numpy arrays hold.", nameof(text));
            }

            return new ScalarOperand(true, magnitude, negative && magnitude != 0, negative ? -(double)magnitude : magnitude);
        }

        double value = digits.ToLowerInvariant() switch
        {
            "nan" => double.NaN,
            "inf" or "infinity" => negative ? double.NegativeInfinity : double.PositiveInfinity,
            _ => double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && !trimmed.Contains(',', StringComparison.Ordinal)
                ? parsed
                : throw new ArgumentException($"'{text}' is not a number (an integer such as 5 or -3, or a float such as 0.5, 1e3, nan, inf).", nameof(text)),
        };
        return new ScalarOperand(false, 0, false, value);
    }

    /// <summary>The value in element type <typeparamref name="T"/>, as numpy casts the scalar to the compute type (exact for integers that fit; floats round to nearest).</summary>
    public T As<T>()
        where T : INumberBase<T>
    {
        if (!IsInteger)
        {
            return T.CreateTruncating(Value);
        }

        return IsNegative ? T.CreateTruncating(unchecked(-(long)_magnitude)) : T.CreateTruncating(_magnitude);
    }
}
