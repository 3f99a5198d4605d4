using System.Text.Json.Nodes;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>apply</c> (bioimage-py's <c>apply_operation</c> and its wrappers <c>add</c> … <c>maximum</c>): writes
/// <c>np.OP(x, y)</c> block by block, where y is a scalar (<see cref="Scalar"/>), a second input of x's shape, or a
/// second input that broadcasts to x's shape (numpy's rules, trailing axes aligned, each of y's axes equal to x's or 1;
/// the result keeps x's shape). The output's dtype is numpy 1.24's (<see cref="NumpyPromotion"/>): value-based for a
/// scalar, <c>np.promote_types</c> for arrays, float64 for the true division of integers, bool for comparisons; integer
/// arithmetic wraps around. With a mask, out-of-mask voxels keep the output's previous values. A new output gets x's chunks.
/// </summary>
/// <remarks>
/// In place (<see cref="InPlace"/>, bioimage-py's <c>output=x</c>): x opened writable is also the output, allowed when
/// the result dtype is x's. Each block reads its own region before writing it and no block reads another's, so threads
/// and workers never see a half-updated neighbour. A distributed run first saves each block's operand values in the run
/// folder, so a block re-run by <c>--resume-from</c> computes from the saved values, not from its own earlier result.
/// </remarks>
public sealed class ApplyVerb : Operation<Written>
{
    /// <summary>The numpy operator.</summary>
    public ElementwiseOperator Operator { get; set; }

    /// <summary>The scalar operand as a Python literal (<c>5</c> is an int, <c>5.0</c> a float); null when y is an input.</summary>
    public string? Scalar { get; set; }

    /// <summary>The output is x itself (opened writable); the result dtype must be x's.</summary>
    public bool InPlace { get; set; }

    /// <inheritdoc />
    public override string Name => "apply";

    /// <inheritdoc />
    public override bool WritesInPlace => InPlace;

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is not (1 or 2))
        {
            throw new ArgumentException($"apply takes x and optionally y as inputs; got {inputs.Count} inputs.", nameof(inputs));
        }

        if ((Scalar is null) == (inputs.Count == 1))
        {
            throw new ArgumentException(Scalar is null ? "apply needs a second operand: an array Y or --scalar V." : "apply takes either an array Y or --scalar V, not both.", nameof(inputs));
        }

        if (Scalar is { } text)
        {
            try
            {
                _ = ScalarOperand.Parse(text);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"--scalar: {Executor.MessageOf(error)}", nameof(inputs), error);
            }
        }

        var x = inputs[0];
        if (x.Shape.Count is < 1 or > 3)
        {
            throw new ArgumentException($"apply needs 1D to 3D data; x has {x.Shape.Count} axes.", nameof(inputs));
        }

        if (inputs.Count == 2)
        {
            CheckBroadcasts(inputs[1].Shape, x.Shape);
        }

        var promoted = Promoted(inputs);
        Operator.CheckDefined(promoted);
        if (InPlace && Operator.ResultType(promoted) != x.DType)
        {
            throw new ArgumentException($"{Operator.NumpyName()} of {x.DType.NumpyName()} x gives {Operator.ResultType(promoted).NumpyName()}: it cannot be written in place into x; write it to a new output.", nameof(inputs));
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return [new ArrayLayout(x.Shape, Operator.ResultType(Promoted(inputs)), x.Chunks)];
    }

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var step = new ApplyOperation { Operator = Operator, ComputeDType = Operator.ComputeType(Promoted(run.Inputs)), Scalar = Scalar };
        if (InPlace && run.Options.JobType != Runners.JobType.Local)
        {
            step.Originals = Directory.CreateDirectory(Path.Combine(run.Scratch, "originals")).FullName;
        }

        if (run.Inputs.Count == 2 && !run.Inputs[1].Shape.SequenceEqual(run.Inputs[0].Shape))
        {
            step.Operand = run.Inputs[1].Spec;
            step.OperandSource = run.Inputs[1];
            run.Blocks(step, [run.Inputs[0]], run.Outputs);
        }
        else
        {
            run.Blocks(step, run.Inputs, run.Outputs);
        }

        return Written.Value;
    }

    /// <inheritdoc />
    public override JsonObject Fields(Written result) => new() { ["operator"] = Operator.NumpyName(), ["scalar"] = Scalar, ["inPlace"] = InPlace };

    /// <inheritdoc />
    public override string Describe(Written result) => $"np.{Operator.NumpyName()}(x, {Scalar ?? "y"}){(InPlace ? " in place" : string.Empty)}";

    /// <summary>The operands' promoted type: with the scalar (value-based) or with y's dtype.</summary>
    private DType Promoted(IReadOnlyList<ISource> inputs) =>
        Scalar is { } text ? NumpyPromotion.WithScalar(inputs[0].DType, ScalarOperand.Parse(text)) : NumpyPromotion.Promote(inputs[0].DType, inputs[1].DType);

    /// <summary>Throws unless y's shape broadcasts to x's without changing it.</summary>
    private static void CheckBroadcasts(IReadOnlyList<long> y, IReadOnlyList<long> x)
    {
        int skipped = x.Count - y.Count;
        if (skipped < 0 || y.Where((extent, axis) => extent != 1 && extent != x[skipped + axis]).Any())
        {
            throw new ArgumentException($"y of shape ({string.Join(", ", y)}) does not broadcast to x's shape ({string.Join(", ", x)}): y needs at most x's axes, each (aligned from the last) equal to x's or 1.", nameof(y));
        }
    }
}
