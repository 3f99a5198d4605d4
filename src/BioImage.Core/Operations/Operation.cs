using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// The description of an operation — one per verb, used alike by the CLI, the C# API, resumed runs and (later) the C
/// ABI: its parameters (public read/write properties, saved as JSON in a run's record so that a resume recreates the
/// operation exactly), the checks of its parameters against its inputs, the arrays it writes (shape, dtype and
/// default chunks derived from inputs and parameters), the domain its blocks are cut from, its passes, and what it
/// returns. <see cref="Executor"/> validates, plans the outputs and runs it; the operation never creates its outputs
/// or talks to a backend itself: it runs its passes through <see cref="OperationRun"/>.
/// </summary>
/// <remarks>A derived type needs a public parameterless constructor (it is recreated from its type name and parameters).</remarks>
public abstract class Operation
{
    /// <summary>The verb's name, e.g. <c>copy</c> or <c>label</c>.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>The names of the passes, in order (one runner pass each); progress and failures name them.</summary>
    [JsonIgnore]
    public virtual IReadOnlyList<string> Passes => ["blocks"];

    /// <summary>True when a subset of blocks can be re-run on its own (<c>--block-ids</c>): single-pass operations.</summary>
    [JsonIgnore]
    public virtual bool RunsBlockSubsets => Passes.Count == 1;

    /// <summary>True when the operation takes a mask of the domain's shape.</summary>
    [JsonIgnore]
    public virtual bool TakesMask => true;

    /// <summary>
    /// True when an opened input may also be given as the output (in place): only element-wise steps whose blocks read
    /// nothing but their own region, and only when the caller asked for it. Targets to be created never alias an input.
    /// </summary>
    [JsonIgnore]
    public virtual bool WritesInPlace => false;

    /// <summary>Checks the parameters against the inputs; touches no storage.</summary>
    /// <exception cref="ArgumentException">A parameter or an input does not fit (the message names it and the expected value).</exception>
    public abstract void Validate(IReadOnlyList<ISource> inputs);

    /// <summary>The arrays the operation writes, in order: shape, dtype and the defaults of their storage.</summary>
    public abstract IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs);

    /// <summary>The shape blocks are cut from (default: the first input's); masks, block shapes and block ids refer to it.</summary>
    public virtual IReadOnlyList<long> Domain(IReadOnlyList<ISource> inputs, IReadOnlyList<ArrayLayout> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0].Shape;
    }

    /// <summary>The block shape when none is given: the first output's chunks over the domain's axes, else the first input's chunks.</summary>
    public virtual IReadOnlyList<long>? DefaultBlockShape(IReadOnlyList<ISource> inputs, IReadOnlyList<IReadOnlyList<long>?> outputChunks, int rank)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputChunks);
        return outputChunks.Count > 0 && outputChunks[0] is { } chunks ? [.. chunks.Skip(chunks.Count - rank)] : inputs.Count > 0 ? inputs[0].Chunks : null;
    }

    /// <summary>Runs the passes and returns the result with its report fields and text.</summary>
    internal abstract OperationOutcome RunAndDescribe(OperationRun run);
}

/// <summary>An operation that returns a <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TResult">What the operation returns (<see cref="Written"/> for operations that only write arrays).</typeparam>
public abstract class Operation<TResult> : Operation
{
    /// <summary>Runs the passes (through <paramref name="run"/>) and returns the result.</summary>
    public abstract TResult Run(OperationRun run);

    /// <summary>The result as report fields (JSON names in camelCase); default: its public properties.</summary>
    public virtual JsonObject Fields(TResult result) => CoreJson.Node(result, OperationOutcome.Json) as JsonObject ?? [];

    /// <summary>The result in words for the one-line text report (empty when the fields say it all).</summary>
    public virtual string Describe(TResult result) => string.Empty;

    /// <inheritdoc />
    internal override OperationOutcome RunAndDescribe(OperationRun run)
    {
        var result = Run(run);
        return new OperationOutcome(result, Fields(result), Describe(result));
    }
}

/// <summary>The result of operations that only write arrays.</summary>
public sealed record Written
{
    /// <summary>The single value.</summary>
    public static readonly Written Value = new();
}

/// <summary>What an operation returned: the value, its report fields and its text.</summary>
/// <param name="Value">The typed result.</param>
/// <param name="Fields">Its report fields.</param>
/// <param name="Text">Its description in words.</param>
internal sealed record OperationOutcome(object? Value, JsonObject Fields, string Text)
{
    public static readonly JsonSerializerOptions Json = CoreJson.WithResolver(
        new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals },
        OperationsJsonContext.Default);
}
