namespace BioImage.Operations;

/// <summary>
/// A run refused before anything was touched: a parameter, an input, the block shape, the backend settings, a re-run
/// argument or the state of an output does not fit. The command line exits with 2 (usage).
/// </summary>
public sealed class OperationRefusedException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public OperationRefusedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OperationRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception from the check that failed.</summary>
    public OperationRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The data do not allow a result (e.g. statistics of a mask without any voxel, more components than the output's
/// dtype can number). The run itself worked; the command line exits with 1.
/// </summary>
public sealed class DataConditionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataConditionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DataConditionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DataConditionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
