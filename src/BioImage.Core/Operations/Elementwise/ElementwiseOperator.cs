using BioImage.Kernels;

namespace BioImage.Operations;

/// <summary>The numpy ufuncs bioimage-py's <c>apply_operation</c> wraps (its <c>operations</c> module).</summary>
public enum ElementwiseOperator
{
    /// <summary><c>np.add</c>.</summary>
    Add,

    /// <summary><c>np.subtract</c>.</summary>
    Subtract,

    /// <summary><c>np.multiply</c>.</summary>
    Multiply,

    /// <summary><c>np.divide</c> (true division: integers give float64).</summary>
    Divide,

    /// <summary><c>np.greater</c>.</summary>
    Greater,

    /// <summary><c>np.greater_equal</c>.</summary>
    GreaterEqual,

    /// <summary><c>np.less</c>.</summary>
    Less,

    /// <summary><c>np.less_equal</c>.</summary>
    LessEqual,

    /// <summary><c>np.minimum</c> (NaN propagates).</summary>
    Minimum,

    /// <summary><c>np.maximum</c> (NaN propagates).</summary>
    Maximum,
}

/// <summary>numpy names of <see cref="ElementwiseOperator"/>, their result types and their kernels.</summary>
public static class ElementwiseOperators
{
    private static readonly ElementwiseOperator[] AllValues = Enum.GetValues<ElementwiseOperator>();

    /// <summary>The numpy function name: <c>add</c>, …, <c>greater_equal</c>, …</summary>
    public static string NumpyName(this ElementwiseOperator operation) => operation switch
    {
        ElementwiseOperator.GreaterEqual => "greater_equal",
        ElementwiseOperator.LessEqual => "less_equal",
        _ => operation.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a numpy function name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Not one of the operators; the message lists them.</exception>
    public static ElementwiseOperator Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var operation in AllValues)
        {
            if (string.Equals(operation.NumpyName(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return operation;
            }
        }

        throw new ArgumentException($"Unknown operation '{name}'; expected one of: {string.Join(", ", AllValues.Select(NumpyName))}.", nameof(name));
    }

    /// <summary>True for greater, greater_equal, less and less_equal (bool results).</summary>
    public static bool IsComparison(this ElementwiseOperator operation) =>
        operation is ElementwiseOperator.Greater or ElementwiseOperator.GreaterEqual or ElementwiseOperator.Less or ElementwiseOperator.LessEqual;

    /// <summary>
    /// The type numpy computes in, given the operands' promoted type (<see cref="NumpyPromotion"/>): the promoted type,
    /// except true division of integers or bools, which numpy does in float64.
    /// </summary>
    public static DType ComputeType(this ElementwiseOperator operation, DType promoted) =>
        operation == ElementwiseOperator.Divide && !promoted.IsFloatingPoint() ? DType.Float64 : promoted;

    /// <summary>The type of the result: bool for comparisons, else the compute type.</summary>
    public static DType ResultType(this ElementwiseOperator operation, DType promoted) =>
        operation.IsComparison() ? DType.Bool : operation.ComputeType(promoted);

    /// <summary>Throws when numpy refuses the operator on the promoted type (it refuses <c>subtract</c> of bools).</summary>
    /// <exception cref="ArgumentException">The operator is not defined on bools.</exception>
    public static void CheckDefined(this ElementwiseOperator operation, DType promoted)
    {
        if (operation == ElementwiseOperator.Subtract && promoted == DType.Bool)
        {
            throw new ArgumentException("subtract is not defined on two bool operands (numpy refuses it too); use an integer operand or compare instead.", nameof(operation));
        }
    }

    /// <summary>
    /// The kernel of an arithmetic operator in the compute type: on bools numpy's add is a logical or and multiply a
    /// logical and, which on bytes 0/1 are maximum and minimum.
    /// </summary>
    internal static ArithmeticOperator Arithmetic(this ElementwiseOperator operation, DType compute) => operation switch
    {
        ElementwiseOperator.Add => compute == DType.Bool ? ArithmeticOperator.Maximum : ArithmeticOperator.Add,
        ElementwiseOperator.Subtract => ArithmeticOperator.Subtract,
        ElementwiseOperator.Multiply => compute == DType.Bool ? ArithmeticOperator.Minimum : ArithmeticOperator.Multiply,
        ElementwiseOperator.Divide => ArithmeticOperator.Divide,
        ElementwiseOperator.Minimum => ArithmeticOperator.Minimum,
        ElementwiseOperator.Maximum => ArithmeticOperator.Maximum,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not an arithmetic operator."),
    };

    /// <summary>The kernel of a comparison operator.</summary>
    internal static ComparisonOperator Comparison(this ElementwiseOperator operation) => operation switch
    {
        ElementwiseOperator.Greater => ComparisonOperator.Greater,
        ElementwiseOperator.GreaterEqual => ComparisonOperator.GreaterEqual,
        ElementwiseOperator.Less => ComparisonOperator.Less,
        ElementwiseOperator.LessEqual => ComparisonOperator.LessEqual,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a comparison operator."),
    };
}
