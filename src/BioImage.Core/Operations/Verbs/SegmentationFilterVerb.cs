using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>segmentation-filter</c> (bioimage-py's segmentation_filter): runs a user's <see cref="SegmentationFilter"/>,
/// named by its class library (<see cref="Assembly"/>), its type (<see cref="Filter"/>) and its parameters as JSON, so
/// that the command line can run filters it has never seen. The run's record keeps those three; a resume recreates the
/// filter from them, and worker processes and Slurm tasks load the same library from the path the manifest names.
/// </summary>
/// <remarks>The output has the input's shape, dtype and chunks; out-of-mask voxels keep the output's values.</remarks>
public sealed class SegmentationFilterVerb : Operation<Written>
{
    /// <summary>The absolute path of the class library (.dll) that defines the filter.</summary>
    public string Assembly { get; set; } = string.Empty;

    /// <summary>The filter's full type name as reflection spells it (<c>Namespace.Outer+Nested</c> for a nested class).</summary>
    public string Filter { get; set; } = string.Empty;

    /// <summary>The filter's public properties as JSON (what travels to the workers).</summary>
    public JsonObject Parameters { get; set; } = [];

    /// <inheritdoc />
    public override string Name => "segmentation-filter";

    /// <summary>The verb for a filter object: its library, its type name and its properties.</summary>
    /// <exception cref="ArgumentException">The filter's type lives in no assembly file (a dynamic or in-memory assembly).</exception>
    public static SegmentationFilterVerb Of(SegmentationFilter filter)
    {
        var (assembly, type, parameters) = UserTypes.Describe(filter, "filter");
        return new SegmentationFilterVerb { Assembly = assembly, Filter = type, Parameters = parameters };
    }

    /// <summary>
    /// Loads the class library at <paramref name="assemblyPath"/> and finds the filter: the type named
    /// <paramref name="name"/> (<c>Namespace.Class</c>; a nested class as <c>Namespace.Outer.Nested</c> or
    /// <c>Namespace.Outer+Nested</c>), or, when <paramref name="name"/> is null, the library's only filter.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The file does not exist or is no .NET assembly, the type does not exist, is no concrete
    /// <see cref="SegmentationFilter"/> or has no public parameterless constructor (the message names --assembly or
    /// --filter and lists the library's filters).
    /// </exception>
    public static Type FindFilter(string assemblyPath, string? name) =>
        UserTypes.Find(typeof(SegmentationFilter), assemblyPath, name, "--filter", "filter");

    /// <summary>The filter: its type loaded from <see cref="Assembly"/> and its properties from <see cref="Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The library or the type do not fit (see <see cref="FindFilter"/>), or the parameters do not fit the type's properties.</exception>
    public SegmentationFilter CreateFilter() => UserTypes.Create<SegmentationFilter>(Assembly, Filter, Parameters, "--filter", "filter");

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        _ = CreateFilter();
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, inputs[0].DType, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override Written Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Blocks(CreateFilter(), run.Inputs, run.Outputs);
        return Written.Value;
    }

    /// <inheritdoc />
    public override JsonObject Fields(Written result) => new() { ["filter"] = Filter };

    /// <inheritdoc />
    public override string Describe(Written result) => $"filter {Filter}";
}
