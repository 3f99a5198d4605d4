using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>downsample</c> (bioimage-py's downsample): integer factors, ceil-mode output shape, spline orders 0–5 with
/// optional anti-aliasing or pooling (<see cref="DownsampleOperation"/>). Blocks, the block shape, block ids and the
/// mask are in output space (the domain is the output's shape).
/// </summary>
public sealed class DownsampleVerb : Operation<Written>
{
    /// <summary>The factors, order, anti-aliasing or pooling method.</summary>
    public DownsampleOperation Downsample { get; set; } = new();

    /// <inheritdoc />
    public override string Name => "downsample";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        Downsample.Validate(inputs[0].Shape.Count);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(Downsample.OutputShape(inputs[0].Shape), Downsample.OutputDType(inputs[0].DType), inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> Domain(IReadOnlyList<ISource> inputs, IReadOnlyList<ArrayLayout> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return outputs[0].Shape;
    }

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var step = DownsampleOperation.For(run.Inputs[0], Downsample.Factor, Downsample.Order, Downsample.AntiAliasing, Downsample.Method);
        run.Blocks(step, [], run.Outputs);
        return Written.Value;
    }
}
