using System.Reflection;
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
        ArgumentNullException.ThrowIfNull(filter);
        var type = filter.GetType();
        if (type.Assembly.IsDynamic || type.Assembly.Location.Length == 0)
        {
            throw new ArgumentException($"{type} is defined in an in-memory assembly; worker processes load filters from a class library file.", nameof(filter));
        }

        return new SegmentationFilterVerb
        {
            Assembly = type.Assembly.Location,
            Filter = type.FullName!,
            Parameters = (JsonObject)JsonSerializer.SerializeToNode(filter, type, Manifest.Json)!,
        };
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
    public static Type FindFilter(string assemblyPath, string? name)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        var assembly = Load(Path.GetFullPath(assemblyPath));
        var types = TypesOf(assembly);
        var filters = types.Where(t => typeof(SegmentationFilter).IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        string known = filters.Count == 0 ? $"{assemblyPath} defines no class derived from {typeof(SegmentationFilter).FullName}" : $"the filters in {assemblyPath} are {string.Join(", ", filters)}";
        if (name is null)
        {
            return filters.Count == 1
                ? assembly.GetType(filters[0])!
                : throw new ArgumentException(filters.Count == 0 ? $"--assembly: {known}." : $"--filter: name the filter to run; {known}.", nameof(name));
        }

        var type = types.FirstOrDefault(t => t.FullName == name) ?? types.FirstOrDefault(t => t.FullName?.Replace('+', '.') == name)
            ?? throw new ArgumentException($"--filter: {assemblyPath} has no type {name}; {known}.", nameof(name));
        if (!typeof(SegmentationFilter).IsAssignableFrom(type))
        {
            throw new ArgumentException($"--filter: {name} is not a {typeof(SegmentationFilter).FullName} (it derives from {type.BaseType?.FullName ?? "nothing"}); {known}.", nameof(name));
        }

        if (type.IsAbstract)
        {
            throw new ArgumentException($"--filter: {name} is abstract; {known}.", nameof(name));
        }

        return type.GetConstructor(Type.EmptyTypes) is not null
            ? type
            : throw new ArgumentException($"--filter: {name} has no public parameterless constructor, which every worker needs to recreate it (its parameters are public properties).", nameof(name));
    }

    /// <summary>The filter: its type loaded from <see cref="Assembly"/> and its properties from <see cref="Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The library or the type do not fit (see <see cref="FindFilter"/>), or the parameters do not fit the type's properties.</exception>
    public SegmentationFilter CreateFilter()
    {
        var type = FindFilter(Assembly, Filter);
        try
        {
            return (SegmentationFilter)Parameters.Deserialize(type, Manifest.Json)!;
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"The parameters {Parameters.ToJsonString()} do not fit the properties of {Filter}: {error.Message}", nameof(Parameters), error);
        }
    }

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

    private static Assembly Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--assembly: {path} does not exist; give the .dll your filter's project builds (bin/Release/net10.0/NAME.dll).", nameof(path));
        }

        try
        {
            return OperationSpec.LoadAssembly(path);
        }
        catch (BadImageFormatException error)
        {
            throw new ArgumentException($"--assembly: {path} is not a .NET assembly ({error.Message.TrimEnd('.')}); give the .dll your filter's project builds.", nameof(path), error);
        }
    }

    /// <summary>The assembly's types; those that do not load (a missing dependency) are left out.</summary>
    private static Type[] TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException error)
        {
            return [.. error.Types.OfType<Type>()];
        }
    }
}
