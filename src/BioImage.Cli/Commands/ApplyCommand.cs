using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage apply OP X (Y | --scalar V) OUT</c>: bioimage-py's <c>apply_operation</c> — <c>np.OP(x, y)</c> block by
/// block for OP add, subtract, multiply, divide, greater, greater_equal, less, less_equal, minimum or maximum, with y an
/// array of x's shape, an array that broadcasts to it, or a Python scalar; OUT has numpy 1.24's result dtype
/// (<see cref="ApplyVerb"/>).
/// </summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var operation = new Argument<string>("OP") { Description = "add, subtract, multiply, divide, greater, greater_equal, less, less_equal, minimum or maximum (numpy's names)." };
        var x = new Argument<string>("X") { Description = "The first operand (the volume the blocks are cut from)." };
        var operands = new Argument<string[]>("Y OUTPUT")
        {
            Description = "The second operand Y (an array of X's shape or one that broadcasts to it) and the output; only the output with --scalar.",
            Arity = new ArgumentArity(1, 2),
        };
        var xKey = new Option<string?>("--x-key") { Description = "Dataset inside X.", HelpName = "K" };
        var yKey = new Option<string?>("--y-key") { Description = "Dataset inside Y.", HelpName = "K" };
        var outputKey = CommonOptions.OutputKey();
        var scalar = new Option<string?>("--scalar")
        {
            Description = "A scalar second operand, read as Python reads a literal: 5 is an int, 5.0 a float (numpy's result dtype depends on it).",
            HelpName = "V",
        };
        var command = new Command("apply", "Apply a numpy element-wise operation to X and Y (an array, a broadcast array or a scalar) block-wise (bioimage-py's apply_operation).")
        {
            operation, x, operands, xKey, yKey, outputKey, scalar,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var op = ElementwiseOperators.Parse(parse.GetRequiredValue(operation));
            string[] rest = parse.GetRequiredValue(operands);
            string? value = parse.GetValue(scalar);
            if (value is null ? rest.Length != 2 : rest.Length != 1)
            {
                throw new UsageException(value is null
                    ? "apply needs Y and OUTPUT after X, or --scalar V and OUTPUT."
                    : "apply takes either Y or --scalar V: with --scalar give only OUTPUT after X.");
            }

            if (value is not null && parse.GetValue(yKey) is not null)
            {
                throw new UsageException("--y-key names a dataset inside Y; there is no Y with --scalar.");
            }

            var first = Source.Open(parse.GetRequiredValue(x), parse.GetValue(xKey));
            ISource[] inputs = value is null ? [first, Source.Open(rest[0], parse.GetValue(yKey))] : [first];
            return (new ApplyVerb { Operator = op, Scalar = value }, inputs, [verb.Target(parse, rest[^1], parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
