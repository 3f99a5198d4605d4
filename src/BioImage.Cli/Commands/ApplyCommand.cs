using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage apply OP X (Y | --scalar V) OUT</c>: bioimage-py's <c>apply_operation</c> — <c>np.OP(x, y)</c> block by
/// block for OP add, subtract, multiply, divide, greater, greater_equal, less, less_equal, minimum or maximum, with y an
/// array of x's shape, an array that broadcasts to it, or a Python scalar; OUT has numpy 1.24's result dtype
/// (<see cref="ApplyVerb"/>). With --in-place there is no OUTPUT: X (opened writable) receives the result.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var operation = new Argument<string>("OP") { Description = "add, subtract, multiply, divide, greater, greater_equal, less, less_equal, minimum or maximum (numpy's names)." };
        var x = new Argument<string>("X") { Description = "The first operand (the volume the blocks are cut from)." };
        var operands = new Argument<string[]>("Y OUTPUT")
        {
            Description = "The second operand Y (an array of X's shape or one that broadcasts to it) and the output; no Y with --scalar, no OUTPUT with --in-place.",
            Arity = new ArgumentArity(0, 2),
        };
        var xKey = new Option<string?>("--x-key") { Description = "Dataset inside X.", HelpName = "K" };
        var yKey = new Option<string?>("--y-key") { Description = "Dataset inside Y.", HelpName = "K" };
        var outputKey = CommonOptions.OutputKey();
        var scalar = new Option<string?>("--scalar")
        {
            Description = "A scalar second operand, read as Python reads a literal: 5 is an int, 5.0 a float (numpy's result dtype depends on it).",
            HelpName = "V",
        };
        var inPlace = new Option<bool>("--in-place") { Description = "Write the result into X itself (no OUTPUT); the result dtype must be X's." };
        var command = new Command("apply", "Apply a numpy element-wise operation to X and Y (an array, a broadcast array or a scalar) block-wise (bioimage-py's apply_operation).")
        {
            operation, x, operands, xKey, yKey, outputKey, scalar, inPlace,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        (Operation, ISource[], ArrayTarget[]) Build(ParseResult parse)
        {
            var op = ElementwiseOperators.Parse(parse.GetRequiredValue(operation));
            string[] rest = parse.GetValue(operands) ?? [];
            string? value = parse.GetValue(scalar);
            bool writesX = parse.GetValue(inPlace);
            int expected = (value is null ? 1 : 0) + (writesX ? 0 : 1);
            if (rest.Length != expected)
            {
                throw new UsageException($"apply takes {(value is null ? "Y" : "--scalar V")} and {(writesX ? "no OUTPUT (--in-place writes X)" : "OUTPUT")} after X; got {rest.Length} path(s) after X.");
            }

            if (value is not null && parse.GetValue(yKey) is not null)
            {
                throw new UsageException("--y-key names a dataset inside Y; there is no Y with --scalar.");
            }

            var first = Source.Open(parse.GetRequiredValue(x), parse.GetValue(xKey), writesX ? "r+" : "r");
            ISource[] inputs = value is null ? [first, Source.Open(rest[0], parse.GetValue(yKey))] : [first];
            ArrayTarget[] targets = writesX ? [] : [verb.Target(parse, rest[^1], parse.GetValue(outputKey))];
            return (new ApplyVerb { Operator = op, Scalar = value, InPlace = writesX }, inputs, targets);
        }

        command.SetAction((parse, cancellation) =>
        {
            if (!parse.GetValue(inPlace) || verb.Resumes(parse))
            {
                return Task.FromResult(verb.Execute(parse, cancellation, () => Build(parse)));
            }

            var (apply, inputs, _) = Verb.Usage(() => Build(parse));
            if (parse.GetValue(outputKey) is not null || verb.Overwrite(parse))
            {
                throw new UsageException("--in-place writes X itself: --output-key and --overwrite do not apply.");
            }

            verb.Print(parse, Executor.Run(apply, inputs, [inputs[0]], verb.Options(parse, cancellation)));
            return Task.FromResult(BioImageCommand.Success);
        });
        return command;
    }
}
