using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace BioImage.Core.Tests.Architecture;

/// <summary>
/// The layers of BioImage.Core point one way — kernels ← core (BioImage, BioImage.Samples) ← storage ← sources ←
/// runners ← operations ← CLI: no type may reference a type of a higher layer, in a signature or only inside a
/// method body (the IL is scanned, see <see cref="TypeReferenceScanner"/>), and the library never names the CLI.
/// </summary>
public sealed class LayerTests
{
    private static readonly (string Namespace, int Layer)[] Layers =
    [
        ("BioImage.Kernels", 0),
        ("BioImage", 1),
        ("BioImage.Samples", 1),
        ("BioImage.Storage", 2),
        ("BioImage.Sources", 3),
        ("BioImage.Runners", 4),
        ("BioImage.Operations", 5),
        ("BioImage.Cli", 6),
    ];

    private static string LibraryPath => typeof(Region).Assembly.Location;

    [Fact]
    public void No_type_of_the_library_references_a_higher_layer()
    {
        var violations = Violations(LibraryPath, LayerOf);
        Assert.True(violations.Count == 0, $"Upward references in BioImage.Core:\n{string.Join('\n', violations)}");
    }

    /// <summary>Workers never depend on the CLI: the library references no bioimage assembly and looks for no bioimage.dll.</summary>
    [Fact]
    public void The_library_does_not_reference_or_name_the_cli()
    {
        using var pe = new PEReader(File.OpenRead(LibraryPath));
        var reader = pe.GetMetadataReader();
        var assemblies = reader.AssemblyReferences.Select(handle => reader.GetString(reader.GetAssemblyReference(handle).Name)).ToList();
        Assert.DoesNotContain("bioimage", assemblies, StringComparer.OrdinalIgnoreCase);
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = reader.GetNextHandle(handle))
        {
            strings.Add(reader.GetUserString(handle));
        }

        Assert.DoesNotContain(strings, text => text.Contains("bioimage.dll", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The scan itself: probes with upward references only in IL, in a generic instantiation or in a lambda are all caught.</summary>
    [Fact]
    public void The_scan_catches_references_in_bodies_generics_and_closures()
    {
        string probes = typeof(Probes.Low.Clean).Namespace!;
        static int? ProbeLayer(string name) => name.EndsWith(".Probes.Low", StringComparison.Ordinal) ? 0 : name.EndsWith(".Probes.High", StringComparison.Ordinal) ? 1 : null;
        var violations = Violations(typeof(LayerTests).Assembly.Location, ProbeLayer);
        Assert.Equal(
            [$"{probes}.BodyOnly (layer 0) → {typeof(Probes.High.Upper)} (layer 1)", $"{probes}.Closure (layer 0) → {typeof(Probes.High.Upper)} (layer 1)", $"{probes}.GenericLocal (layer 0) → {typeof(Probes.High.Upper)} (layer 1)"],
            violations);
    }

    /// <summary>Every reference from a type of a layer to a type of a higher layer, sorted ("A (layer a) → B (layer b)").</summary>
    private static List<string> Violations(string assemblyPath, Func<string, int?> layerOf) =>
        TypeReferenceScanner.Scan(assemblyPath)
            .Where(type => layerOf(type.Key.Namespace) is not null)
            .SelectMany(type => type.Value
                .Where(target => layerOf(target.Namespace) > layerOf(type.Key.Namespace))
                .Select(target => $"{type.Key} (layer {layerOf(type.Key.Namespace)}) → {target} (layer {layerOf(target.Namespace)})"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The layer of a namespace (its own or its parent's entry; "BioImage" itself only exactly); null outside BioImage.</summary>
    private static int? LayerOf(string name)
    {
        if (name != "BioImage" && !name.StartsWith("BioImage.", StringComparison.Ordinal))
        {
            return null;
        }

        var match = Layers.Where(layer => name == layer.Namespace || (layer.Namespace != "BioImage" && name.StartsWith(layer.Namespace + ".", StringComparison.Ordinal)));
        return match.Any()
            ? match.Single().Layer
            : throw new InvalidOperationException($"Namespace {name} has no layer: add it to {nameof(LayerTests)}.{nameof(Layers)}.");
    }
}
