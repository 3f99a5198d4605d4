using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage segmentation-filter SEG OUT --assembly LIB.dll [--filter TYPE] [--set NAME=VALUE …]</c>: bioimage-py's
/// segmentation_filter with the user's own filter — a <see cref="SegmentationFilter"/> subclass in a class library —
/// run block-wise like any verb (<see cref="SegmentationFilterVerb"/>). <c>--set</c> assigns the filter's public
/// properties, converted to their types (numbers, bool, text, enums and comma-separated arrays of them).
/// </summary>
/// <remarks>
/// The names follow the tools .NET users know: <c>--assembly</c> is the .dll a project builds (as in <c>dotnet test</c>
/// and <c>dotnet-counters</c>), <c>--filter</c> the class, and <c>--set NAME=VALUE</c> is repeated once per property,
/// like <c>helm --set</c> or <c>dotnet build -p:NAME=VALUE</c>, so values may contain commas.
/// </remarks>
internal static class SegmentationFilterCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var output = CommonOptions.Output();
        var inputKey = CommonOptions.InputKey();
        var outputKey = CommonOptions.OutputKey();
        var assembly = new Option<string>("--assembly") { Description = "The class library (.dll) that defines the filter; workers load it from this path.", HelpName = "LIB.dll", Required = true };
        var filter = new Option<string?>("--filter") { Description = "The filter class's full name (Namespace.Class; a nested class Namespace.Outer.Nested); default: the library's only filter.", HelpName = "TYPE" };
        var set = new Option<string[]>("--set") { Description = "Set a public property of the filter, e.g. --set MinSize=100 (repeat per property; arrays comma-separated).", HelpName = "NAME=VALUE" };
        var command = new Command("segmentation-filter", "Run your own SegmentationFilter class (a .NET class library) on every block of a label volume (bioimage-py's segmentation_filter).")
        {
            input, output, inputKey, outputKey, assembly, filter, set,
        };
        var verb = new Verb(command, writesArrays: true, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
        {
            var type = SegmentationFilterVerb.FindFilter(parse.GetRequiredValue(assembly), parse.GetValue(filter));
            var instance = (SegmentationFilter)Activator.CreateInstance(type)!;
            Assign(instance, parse.GetValue(set) ?? []);
            var source = Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey));
            return (SegmentationFilterVerb.Of(instance), [source], [verb.Target(parse, parse.GetRequiredValue(output), parse.GetValue(outputKey))]);
        })));
        return command;
    }

    /// <summary>Sets each NAME=VALUE on the filter (or another user class run by name), converted to the property's type; a property may be set once.</summary>
    internal static void Assign(object filter, IEnumerable<string> settings)
    {
        var properties = Parameters(filter.GetType());
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (string setting in settings)
        {
            int equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--set: '{setting}' is not NAME=VALUE, e.g. --set {properties.FirstOrDefault()?.Name ?? "Name"}=3.");
            }

            string name = setting[..equals], value = setting[(equals + 1)..];
            var property = properties.FirstOrDefault(p => p.Name == name)
                ?? properties.SingleOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"--set {name}: {filter.GetType().FullName} has no settable property {name}; {(properties.Count == 0 ? "it has none" : "its properties are " + string.Join(", ", properties.Select(p => $"{p.Name} ({TypeName(p.PropertyType)})")))}.");
            if (!given.Add(property.Name))
            {
                throw new UsageException($"--set {property.Name} is given twice; set each property once.");
            }

            property.SetValue(filter, Convert(value, property.PropertyType, $"{property.Name}={value}"));
        }
    }

    /// <summary>The properties that travel to the workers: public, read/write, not ignored by JSON.</summary>
    private static List<PropertyInfo> Parameters(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The value as the property's type; <paramref name="setting"/> (NAME=VALUE as given) names it in errors.</summary>
    private static object? Convert(string value, Type type, string setting)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return value.Length == 0 ? null : Convert(value, underlying, setting);
        }

        if (type.IsArray && type.GetElementType() is { } element)
        {
            string[] items = value.Length == 0 ? [] : value.Split(',', StringSplitOptions.TrimEntries);
            var array = Array.CreateInstance(element, items.Length);
            for (int i = 0; i < items.Length; i++)
            {
                array.SetValue(Convert(items[i], element, setting), i);
            }

            return array;
        }

        if (type == typeof(string))
        {
            return value;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out object? member) && Enum.IsDefined(type, member)
                ? member
                : throw new UsageException($"--set {setting}: {Name(setting)} is one of {string.Join(", ", Enum.GetNames(type))}; '{value}' is not one.");
        }

        if ((type.IsPrimitive && type != typeof(nint) && type != typeof(nuint)) || type == typeof(decimal))
        {
            try
            {
                return System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
            }
            catch (Exception error) when (error is FormatException or OverflowException)
            {
                throw new UsageException($"--set {setting}: {Name(setting)} takes {Expected(type)}; '{value}' is not one.");
            }
        }

        throw new UsageException($"--set {setting}: the type of {Name(setting)}, {TypeName(type)}, cannot be given on the command line (numbers, bool, text, enums and arrays of them can).");
    }

    private static string Name(string setting) => setting[..setting.IndexOf('=', StringComparison.Ordinal)];

    /// <summary>What a value of a primitive type looks like, for messages.</summary>
    private static string Expected(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "a bool (true or false)",
        TypeCode.Char => "a char (one character)",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => $"a {TypeName(type)} (a number such as 0.5 or 1e-3)",
        _ => string.Create(CultureInfo.InvariantCulture, $"a {TypeName(type)} (an integer from {type.GetField("MinValue")!.GetValue(null)} to {type.GetField("MaxValue")!.GetValue(null)})"),
    };

    /// <summary>The C# keyword of a type (long, double, bool, long[], …), else its name.</summary>
    private static string TypeName(Type type) => Nullable.GetUnderlyingType(type) is { } underlying ? TypeName(underlying) + "?"
        : type.IsArray ? TypeName(type.GetElementType()!) + "[]"
        : type.IsEnum ? type.Name
        : Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.Decimal => "decimal",
            TypeCode.String => "string",
            TypeCode.Char => "char",
            _ => type.Name,
        };
}
