using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>Checks the verbs share on their inputs.</summary>
internal static class VerbInputs
{
    /// <summary>Throws unless there are exactly <paramref name="count"/> inputs and they all have the first one's shape.</summary>
    public static void Require(IReadOnlyList<ISource> inputs, int count, string verb)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != count)
        {
            throw new ArgumentException($"{verb} takes {count} input(s); got {inputs.Count}.", nameof(inputs));
        }

        for (int i = 1; i < inputs.Count; i++)
        {
            if (!inputs[i].Shape.SequenceEqual(inputs[0].Shape))
            {
                throw new ArgumentException($"{verb}: input {i + 1} ({Name(inputs[i])}) has shape ({string.Join(", ", inputs[i].Shape)}) but input 1 ({Name(inputs[0])}) has ({string.Join(", ", inputs[0].Shape)}); they must match.", nameof(inputs));
            }
        }
    }

    /// <summary>Throws unless the input holds integer (or bool) labels.</summary>
    public static void RequireLabels(ISource input, string verb)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsInteger() && input.DType != DType.Bool)
        {
            throw new ArgumentException($"{verb} needs labels of an integer dtype; {Name(input)} holds {input.DType.NumpyName()}.", nameof(input));
        }
    }

    private static string Name(ISource source) => source.Spec?.Path ?? "the in-memory input";

    /// <summary>Throws unless an output dtype, when given, is an integer type.</summary>
    public static void RequireIntegerOutput(DType? dtype, string verb)
    {
        if (dtype is { } type && !type.IsInteger())
        {
            throw new ArgumentException($"--dtype must be an integer type for {verb}; got {type.NumpyName()}.", nameof(dtype));
        }
    }
}
