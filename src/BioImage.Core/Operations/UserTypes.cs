using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Runners;

namespace BioImage.Operations;

/// <summary>
/// User code that workers load by name: a class of the user's library that derives from one of ours
/// (<see cref="SegmentationFilter"/>, <see cref="TileSegmenter"/>), found by its full name and recreated from its
/// public properties as JSON — on worker processes and Slurm tasks from the absolute library path a run records.
/// </summary>
internal static class UserTypes
{
    /// <summary>
    /// Loads the class library at <paramref name="assemblyPath"/> and finds the <paramref name="baseType"/> subclass
    /// named <paramref name="name"/> (<c>Namespace.Class</c>; a nested class as <c>Namespace.Outer.Nested</c> or
    /// <c>Namespace.Outer+Nested</c>), or, when <paramref name="name"/> is null, the library's only one.
    /// </summary>
    /// <param name="baseType">The base class the user's class derives from.</param>
    /// <param name="assemblyPath">The library (.dll).</param>
    /// <param name="name">The class's full name, or null for the library's only subclass.</param>
    /// <param name="option">The option that names the class, for messages (e.g. <c>--filter</c>).</param>
    /// <param name="noun">What the class is called in messages (e.g. <c>filter</c>).</param>
    /// <exception cref="ArgumentException">
    /// The file does not exist or is no .NET assembly, the type does not exist, is no concrete subclass or has no public
    /// parameterless constructor (the message names --assembly or <paramref name="option"/> and lists the candidates).
    /// </exception>
    /// <exception cref="NotSupportedException">In a trimmed or NativeAOT application, which cannot load types by name.</exception>
    public static Type Find(Type baseType, string assemblyPath, string? name, string option, string noun)
    {
        ArgumentNullException.ThrowIfNull(baseType);
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        if (!CoreJson.ReflectionEnabled)
        {
            throw CoreJson.ReflectionOff($"Loading your {noun} from {assemblyPath}");
        }

        var assembly = Load(Path.GetFullPath(assemblyPath), noun);
        var types = TypesOf(assembly);
        var found = types.Where(t => baseType.IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        string known = found.Count == 0 ? $"{assemblyPath} defines no class derived from {baseType.FullName}" : $"the {noun}s in {assemblyPath} are {string.Join(", ", found)}";
        if (name is null)
        {
            return found.Count == 1
                ? assembly.GetType(found[0])!
                : throw new ArgumentException(found.Count == 0 ? $"--assembly: {known}." : $"{option}: name the {noun} to run; {known}.", nameof(name));
        }

        var type = types.FirstOrDefault(t => t.FullName == name) ?? types.FirstOrDefault(t => t.FullName?.Replace('+', '.') == name)
            ?? throw new ArgumentException($"{option}: {assemblyPath} has no type {name}; {known}.", nameof(name));
        if (!baseType.IsAssignableFrom(type))
        {
            throw new ArgumentException($"{option}: {name} is not a {baseType.FullName} (it derives from {type.BaseType?.FullName ?? "nothing"}); {known}.", nameof(name));
        }

        if (type.IsAbstract)
        {
            throw new ArgumentException($"{option}: {name} is abstract; {known}.", nameof(name));
        }

        return OperationSpec.HasParameterlessConstructor(type)
            ? type
            : throw new ArgumentException($"{option}: {name} has no public parameterless constructor, which every worker needs to recreate it (its parameters are public properties).", nameof(name));
    }

    /// <summary>The user's object: its type found as <see cref="Find"/> does, its properties from <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The library or the type do not fit, or the parameters do not fit the type's properties.</exception>
    public static T Create<T>(string assemblyPath, string name, JsonObject parameters, string option, string noun)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var type = Find(typeof(T), assemblyPath, name, option, noun);
        try
        {
            return (T)parameters.Deserialize(Manifest.Json.Info(type))!;
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"The parameters {parameters.ToJsonString()} do not fit the properties of {name}: {error.Message}", nameof(parameters), error);
        }
    }

    /// <summary>The library, type name and properties of a user's object, as a run records them.</summary>
    /// <exception cref="ArgumentException">The type lives in no assembly file (a dynamic or in-memory assembly).</exception>
    public static (string Assembly, string Type, JsonObject Parameters) Describe(object instance, string noun)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var type = instance.GetType();
        string file = type.Assembly.IsDynamic ? string.Empty : OperationSpec.FileOf(type.Assembly);
        if (file.Length == 0)
        {
            throw new ArgumentException($"{type} is defined in an in-memory assembly; worker processes load {noun}s from a class library file.", nameof(instance));
        }

        return (file, type.FullName!, (JsonObject)JsonSerializer.SerializeToNode(instance, Manifest.Json.Info(type))!);
    }

    [RequiresUnreferencedCode("Loads an assembly from a file: what it uses of this library may have been trimmed.")]
    private static Assembly Load(string path, string noun)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--assembly: {path} does not exist; give the .dll your {noun}'s project builds (bin/Release/net10.0/NAME.dll).", nameof(path));
        }

        try
        {
            return OperationSpec.LoadAssembly(path);
        }
        catch (BadImageFormatException error)
        {
            throw new ArgumentException($"--assembly: {path} is not a .NET assembly ({error.Message.TrimEnd('.')}); give the .dll your {noun}'s project builds.", nameof(path), error);
        }
    }

    /// <summary>The assembly's types; those that do not load (a missing dependency) are left out.</summary>
    [RequiresUnreferencedCode("Lists the types of a loaded assembly.")]
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
