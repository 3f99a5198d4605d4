using System.Text.Json.Nodes;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>isin</c> (bioimage-py's <c>isin</c>): writes the bool array <c>np.isin(x, values)</c> block by block
/// (<see cref="IsInOperation"/>). With a mask, out-of-mask voxels keep the output's previous values. A new output gets
/// x's chunks.
/// </summary>
public sealed class IsInVerb : Operation<Written>
{
    /// <summary>The test values as Python literals (<c>3</c>, <c>-1</c>, <c>2.5</c>); at least one.</summary>
    public IReadOnlyList<string> Values { get; set; } = [];

    /// <inheritdoc />
    public override string Name => "isin";

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        if (Values.Count == 0)
        {
            throw new ArgumentException("isin needs at least one test value (--values 1,2,3 or --values-file F).", nameof(inputs));
        }

        foreach (string value in Values)
        {
            try
            {
                _ = ScalarOperand.Parse(value);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"--values: {Executor.MessageOf(error)}", nameof(inputs), error);
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType.Bool, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override JsonObject Fields(Written result) => new() { ["values"] = new JsonArray([.. Values.Select(v => (JsonNode)v)]) };

    /// <inheritdoc />
    public override string Describe(Written result) => $"np.isin(x, [{string.Join(", ", Values)}])";

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Blocks(new IsInOperation { Values = Values }, run.Inputs, run.Outputs);
        return Written.Value;
    }
}
