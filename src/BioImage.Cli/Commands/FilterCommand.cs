using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage filter NAME IN OUT --sigma S</c>: a Gaussian filter applied block-wise through the runner (bioimage-py's
/// apply_filter), with halos equal to the real kernel radius so that the result equals the whole-volume filter.
/// OUT is float32 (float64 for float64 input); the eigenvalue filters write a leading channel axis unless
/// --return-channel picks one.
/// </summary>
internal static class FilterCommand
{
    /// <summary>Command-line names of the filters, in <see cref="GaussianFilter"/> order.</summary>
    public static readonly string[] Names =
    [
        "gaussian-smoothing", "gaussian-gradient-magnitude", "laplacian-of-gaussian",
        "hessian-of-gaussian-eigenvalues", "structure-tensor-eigenvalues", "difference-of-gaussians",
    ];

    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The filter: " + string.Join(", ", Names) + ".", HelpName = "NAME" };
        name.AcceptOnlyFromAmong(Names);
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var sigma = CommonOptions.NumberList("--sigma", "Gaussian σ in voxels: one value, or one per axis (Z,Y,X).");
        sigma.Required = true;
        var outerScale = CommonOptions.NumberList("--outer-scale", "structure-tensor-eigenvalues: the outer (integration) σ (required); difference-of-gaussians: the high σ (default 1.6·σ).");
        var returnChannel = new Option<int?>("--return-channel") { Description = "Eigenvalue filters: write only this channel (0 = largest) instead of all of them.", HelpName = "C" };
        var command = new Command("filter", "Apply a Gaussian filter block-wise (smoothing, gradient magnitude, LoG, Hessian or structure-tensor eigenvalues, difference of Gaussians).")
        {
            name, input, output, inputKey, outputKey, sigma, outerScale, returnChannel,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            var operation = new FilterVerb
            {
                Filter = new GaussianFilterOperation
                {
                    Filter = (GaussianFilter)Array.IndexOf(Names, parse.GetRequiredValue(name)),
                    Sigma = parse.GetRequiredValue(sigma)!,
                    OuterSigma = parse.GetValue(outerScale) is { Length: > 0 } outer ? outer : null,
                    ReturnChannel = parse.GetValue(returnChannel),
                },
            };
            return (operation, [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }
}
