using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using PureHDF;
using PureHDF.VOL.Native;

namespace BioImage.Sources.Formats;

/// <summary>
/// What PureHDF 2.2 decodes but does not expose publicly, read by reflection: an object's header address and file
/// (which tell hard-link aliases, soft links and external links apart), the decoded object header messages (datatype
/// byte order and string padding, the filter pipeline, creation-order flags, shared messages), and an attribute's
/// message. Everything here is only ever used to decide whether a file can be rewritten faithfully; if PureHDF's
/// internals change shape, the members throw <see cref="InvalidOperationException"/> and the rewrite is refused.
/// </summary>
internal static class Hdf5Internals
{
    private const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    private static readonly PropertyInfo? ReferenceProperty = typeof(NativeObject).GetProperty("Reference", Instance);
    private static readonly PropertyInfo? HeaderProperty = typeof(NativeObject).GetProperty("Header", Instance);
    private static readonly PropertyInfo? AttributeMessageProperty = typeof(NativeAttribute).GetProperty("Message", Instance);

    /// <summary>The object header address of <paramref name="item"/> (its identity inside its file).</summary>
    public static ulong Address(IH5Object item) => Get<ulong>(Reference(item), "Value");

    /// <summary>The PureHDF file object <paramref name="item"/> lives in (another file when it was reached through an external link).</summary>
    public static object? FileOf(IH5Object item) => Property(Reference(item), "File");

    /// <summary>The decoded header messages of <paramref name="item"/> (continuation messages already followed).</summary>
    public static IReadOnlyList<HeaderMessageView> Messages(IH5Object item)
    {
        object header = Require(HeaderProperty, "NativeObject.Header").GetValue(item) ?? throw Changed("NativeObject.Header is null");
        var messages = new List<HeaderMessageView>();
        foreach (object message in Get<IEnumerable>(header, "HeaderMessages"))
        {
            messages.Add(new HeaderMessageView(
                Convert.ToInt32(Property(message, "Type"), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(Property(message, "Flags"), System.Globalization.CultureInfo.InvariantCulture),
                Property(message, "Data") ?? throw Changed("HeaderMessage.Data is null")));
        }

        return messages;
    }

    /// <summary>The decoded attribute message behind <paramref name="attribute"/>.</summary>
    public static object AttributeMessage(IH5Attribute attribute) =>
        Require(AttributeMessageProperty, "NativeAttribute.Message").GetValue(attribute) ?? throw Changed("NativeAttribute.Message is null");

    /// <summary>The value of property <paramref name="name"/> of an internal PureHDF record, converted to <typeparamref name="T"/>.</summary>
    public static T Get<T>(object item, string name) => Property(item, name) switch
    {
        T value => value,
        IConvertible other when typeof(T).IsPrimitive => (T)Convert.ChangeType(other, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
        var other => throw Changed($"{item.GetType().Name}.{name} is {other?.GetType().Name ?? "null"}, expected {typeof(T).Name}"),
    };

    /// <summary>The value of property <paramref name="name"/> of an internal PureHDF record.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075:'this' argument does not satisfy 'DynamicallyAccessedMembersAttribute'", Justification = "A property that trimming removed reads as PureHDF's internals having changed: Changed() refuses the rewrite; it never gives a wrong answer.")]
    public static object? Property(object item, string name)
    {
        var property = item.GetType().GetProperty(name, Instance) ?? throw Changed($"{item.GetType().Name} has no property {name}");
        return property.GetValue(item);
    }

    private static object Reference(IH5Object item) =>
        Require(ReferenceProperty, "NativeObject.Reference").GetValue(item) ?? throw Changed("NativeObject.Reference is null");

    private static PropertyInfo Require(PropertyInfo? property, string name) => property ?? throw Changed($"{name} is missing");

    private static InvalidOperationException Changed(string detail) => new($"PureHDF's internals are not those of version 2.2 ({detail}).");
}

/// <summary>One decoded object header message: its type and flags as numbers (HDF5 specification IV.A.1), and PureHDF's record.</summary>
internal readonly record struct HeaderMessageView(int Type, int Flags, object Data);
