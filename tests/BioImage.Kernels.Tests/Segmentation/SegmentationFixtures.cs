using System.Text.Json;
using BioImage;
using BioImage.Storage;

namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>The cases written by tests/data/segmentation/make_fixtures.py (scipy / skimage outputs).</summary>
internal static class SegmentationFixtures
{
    private static readonly Lazy<JsonDocument> Cases = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("segmentation", "cases.json"))));

    /// <summary>The whole cases.json document.</summary>
    public static JsonElement Root => Cases.Value.RootElement;

    /// <summary>The cases of one kind ("label", …) as JSON objects.</summary>
    public static IEnumerable<JsonElement> Of(string kind) => Cases.Value.RootElement.GetProperty(kind).EnumerateArray();

    /// <summary>The case of <paramref name="kind"/> called <paramref name="name"/>.</summary>
    public static JsonElement Case(string kind, string name) =>
        Of(kind).Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>The names of every case of <paramref name="kind"/>, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var entry in Of(kind))
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    /// <summary>The file name of a case's "input" array and its .npy header (dtype, shape).</summary>
    public static (string File, NpyHeader Header) Input(JsonElement entry)
    {
        string file = entry.GetProperty("input").GetString()!;
        return (file, NpyFile.ReadHeader(RepoPaths.TestData("segmentation", file)));
    }

    /// <summary>Reads a fixture array.</summary>
    public static NdArray<T> Read<T>(string file)
        where T : unmanaged => NpyFile.Read<T>(RepoPaths.TestData("segmentation", file));
}
