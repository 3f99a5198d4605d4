using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BioImage;

/// <summary>
/// The JSON metadata of every serialization in the library, so that it stays trim- and NativeAOT-compatible: the
/// library's own types come from System.Text.Json's source generator, one context per layer (<see
/// cref="CoreJsonContext"/> here: numbers, arrays, JSON values; the others beside their types: run folders and
/// manifests in BioImage.Runners, source specs in BioImage.Sources, run records in BioImage.Operations); types known
/// only at run time — a user's operation, its parameters and
/// its block results, loaded by name in workers — fall back to reflection where reflection-based JSON is on (every
/// JIT application; trimmed and NativeAOT applications turn it off, and then such a type must be in a source-generated
/// context or the call says so).
/// </summary>
internal static class CoreJson
{
    private const string ReflectionSwitch = "System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault";

    /// <summary>Options with System.Text.Json's defaults.</summary>
    public static readonly JsonSerializerOptions Plain = WithResolver(new JsonSerializerOptions());

    /// <summary>
    /// True where reflection-based JSON and loading types by name work: System.Text.Json's own switch, which the SDK
    /// turns off in trimmed and NativeAOT applications (the trimmer then removes the code behind this guard).
    /// </summary>
    [FeatureSwitchDefinition(ReflectionSwitch)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
#pragma warning disable IL4000 // A feature switch, not derived from another guard: trimming substitutes its value (false when trimmed).
    public static bool ReflectionEnabled => !AppContext.TryGetSwitch(ReflectionSwitch, out bool enabled) || enabled;
#pragma warning restore IL4000

    /// <summary>
    /// <paramref name="options"/> resolving the source-generated types first (<paramref name="contexts"/>, then <see
    /// cref="CoreJsonContext"/>), then, where allowed, any type by reflection.
    /// </summary>
    public static JsonSerializerOptions WithResolver(JsonSerializerOptions options, params IJsonTypeInfoResolver[] contexts)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(contexts);
        IJsonTypeInfoResolver[] generated = [.. contexts, CoreJsonContext.Default];
        options.TypeInfoResolver = ReflectionEnabled
            ? JsonTypeInfoResolver.Combine([.. generated, new DefaultJsonTypeInfoResolver()])
            : JsonTypeInfoResolver.Combine(generated);
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    /// <exception cref="NotSupportedException">Reflection is off and no source-generated context knows the type.</exception>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.Info(typeof(T));

    /// <summary>The metadata of <paramref name="type"/> (a run-time type) under <paramref name="options"/>.</summary>
    /// <exception cref="NotSupportedException">Reflection is off and no source-generated context knows the type.</exception>
    public static JsonTypeInfo Info(this JsonSerializerOptions options, Type type)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return options.GetTypeInfo(type);
        }
        catch (NotSupportedException error) when (!ReflectionEnabled)
        {
            throw new NotSupportedException($"{type} has no source-generated JSON metadata, and reflection-based JSON is off in this (trimmed or NativeAOT) application; run such operations in a JIT application.", error);
        }
    }

    /// <summary><paramref name="value"/> as a JSON node (null for null).</summary>
    public static JsonNode? Node<T>(T value, JsonSerializerOptions? options = null) => JsonSerializer.SerializeToNode(value, (options ?? Plain).Info<T>());

    /// <summary>The refusal of what needs reflection (types loaded by name) where it is off; thrown behind <c>if (!ReflectionEnabled)</c>, which the trim analyzer reads as the guard.</summary>
    public static NotSupportedException ReflectionOff(string what) =>
        new($"{what} needs reflection, which is off in this (trimmed or NativeAOT) application; run it from a JIT application.");
}

/// <summary>The source-generated metadata of numbers, arrays and JSON values (reports' fields, wrapper parameters, block results).</summary>
[JsonSerializable(typeof(Dictionary<long, JsonElement>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool[]))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(sbyte[]))]
[JsonSerializable(typeof(short[]))]
[JsonSerializable(typeof(ushort[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(uint[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(ulong[]))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(double?[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
