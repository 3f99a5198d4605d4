using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>
/// What a worker process needs to run its blocks, written once as <c>manifest.json</c> in the run's temp folder:
/// the step (type, assembly path, parameters), the source specs and the blocking.
/// </summary>
internal sealed record Manifest(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("operation")] OperationSpec Operation,
    [property: JsonPropertyName("inputs")] SourceSpec[] Inputs,
    [property: JsonPropertyName("outputs")] SourceSpec[] Outputs,
    [property: JsonPropertyName("mask")] SourceSpec? Mask,
    [property: JsonPropertyName("shape")] long[] Shape,
    [property: JsonPropertyName("blockShape")] long[] BlockShape,
    [property: JsonPropertyName("roiBegin")] long[]? RoiBegin,
    [property: JsonPropertyName("roiEnd")] long[]? RoiEnd,
    [property: JsonPropertyName("halo")] long[] Halo,
    [property: JsonPropertyName("taskCount")] int TaskCount,
    [property: JsonPropertyName("jobType")] string JobType)
{
    public const int CurrentVersion = 1;

    public static readonly JsonSerializerOptions Json = CoreJson.WithResolver(
        new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals },
        RunnersJsonContext.Default);

    public Blocking CreateBlocking() =>
        new(Shape, BlockShape, RoiBegin is null || RoiEnd is null ? null : new Region(RoiBegin, RoiEnd));
}

/// <summary>A block step by name: its type, the assembly that defines it, and its parameters.</summary>
internal sealed record OperationSpec(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("assembly")] string Assembly,
    [property: JsonPropertyName("parameters")] JsonElement Parameters)
{
    public static OperationSpec Of(object operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var type = operation.GetType();
        if (type.FullName is null || (CoreJson.ReflectionEnabled && !HasParameterlessConstructor(type)))
        {
            throw new ArgumentException($"{type} needs a public parameterless constructor to run in worker processes (its parameters travel as JSON).", nameof(operation));
        }

        return new OperationSpec(type.FullName, FileOf(type.Assembly), JsonSerializer.SerializeToElement(operation, Manifest.Json.Info(type)));
    }

    /// <summary>The file <paramref name="assembly"/> was loaded from; empty in single-file and NativeAOT applications, whose assemblies are no files.</summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000:Avoid accessing Assembly file path when publishing as a single file", Justification = "Every caller handles the empty path of single-file applications: a recorded operation is then looked up among the worker's loaded assemblies (Create), the others refuse, naming why.")]
    internal static string FileOf(Assembly assembly) => assembly.Location;

    /// <summary>Recreates the step: loads its assembly (from the recorded path when not yet loaded) and deserializes it.</summary>
    public BlockStep Create() => Create<BlockStep>();

    /// <summary>
    /// Recreates the object: loads its assembly (from the recorded path when not yet loaded) and deserializes its
    /// parameters. A type recorded without a file (by a single-file or NativeAOT application) is looked up among the
    /// loaded assemblies, where the library's own operations are.
    /// </summary>
    /// <exception cref="NotSupportedException">In a trimmed or NativeAOT application, which cannot load types by name.</exception>
    public T Create<T>()
        where T : class
    {
        if (!CoreJson.ReflectionEnabled)
        {
            throw CoreJson.ReflectionOff($"Recreating the operation {Type} by name");
        }

        var type = Assembly.Length == 0
            ? LoadedType(Type)
                ?? throw new InvalidOperationException($"{Type} was recorded without its assembly file (by a single-file or NativeAOT application) and is in none of the worker's assemblies.")
            : (AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && FileOf(a) == Assembly) ?? LoadAssembly(Assembly)).GetType(Type)
                ?? throw new InvalidOperationException($"Type {Type} was not found in {Assembly}.");
        if (!typeof(T).IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"{Type} is not a {typeof(T).Name}.");
        }

        return (T)(Parameters.Deserialize(Manifest.Json.Info(type)) ?? throw new InvalidOperationException($"The parameters of {Type} are null."));
    }

    /// <summary>The type named <paramref name="name"/> in the first loaded assembly that defines it, or null.</summary>
    [RequiresUnreferencedCode("Looks a type up by name.")]
    private static Type? LoadedType(string name)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(name) is { } type)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="type"/>, known only at run time, has a public parameterless constructor.</summary>
    [RequiresUnreferencedCode("Reads the constructors of a type known only at run time.")]
    internal static bool HasParameterlessConstructor(Type type) => type.GetConstructor(System.Type.EmptyTypes) is not null;

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> into the default context, or returns the one of that name already
    /// loaded. Its own dependencies that the running program lacks (a plug-in library's packages, listed in its
    /// <c>.deps.json</c> and copied beside it by <c>EnableDynamicLoading</c>) resolve from its folder; the library's
    /// references to assemblies the program has (BioImage.Core) bind to the program's, so the types are shared.
    /// </summary>
    [RequiresUnreferencedCode("Loads an assembly from a file: what it uses of this library may have been trimmed.")]
    internal static Assembly LoadAssembly(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The assembly of the operation, {path}, does not exist on this node.", path);
        }

        string name = AssemblyName.GetAssemblyName(path).Name ?? path;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
        if (loaded is not null)
        {
            return loaded;
        }

        var resolver = new AssemblyDependencyResolver(path);
        AssemblyLoadContext.Default.Resolving += (context, dependency) =>
            resolver.ResolveAssemblyToPath(dependency) is { } found ? context.LoadFromAssemblyPath(found) : null;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, library) =>
            resolver.ResolveUnmanagedDllToPath(library) is { } found ? NativeLibrary.Load(found) : IntPtr.Zero;
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
