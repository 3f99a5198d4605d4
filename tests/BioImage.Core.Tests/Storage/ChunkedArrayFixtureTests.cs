using System.Text.Json;
using BioImage.Storage;
using BioImage.Storage.Stores;

namespace BioImage.Core.Tests.Storage;

/// <summary>
/// The committed fixtures of tests/data/zarr (make_fixtures.py): arrays written by zarr-python and hand-built ones
/// (Java-style N5 blocks, a shard with its index at the start) read exactly; broken containers fail with a message
/// that names the file and the problem.
/// </summary>
public class ChunkedArrayFixtureTests
{
    public static TheoryData<string, string?> Valid => new()
    {
        { "v2_blosc_default.zarr", null },
        { "v2_fortran_be.zarr", null },
        { "n5_zarr_python.n5", null },
        { "n5_java_style.n5", "volume" },
        { "v3_shard_start.zarr", null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Fixtures_read_exactly_what_their_expected_npy_holds(string name, string? key)
    {
        string npy = RepoPaths.TestData("zarr", "valid", Path.GetFileNameWithoutExtension(name) + ".npy");
        var header = NpyFile.ReadHeader(npy);
        var expected = File.ReadAllBytes(npy)[(int)header.DataOffset..];
        var array = ChunkedArray.Open(RepoPaths.TestData("zarr", "valid", name), key);
        Assert.Equal(header.DType, array.DType);
        Assert.Equal(header.Shape.Select(e => (long)e), array.Shape.ToArray());
        var actual = new byte[expected.Length];
        array.ReadRegion(Region.FromShape(array.Shape), actual);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}: values differ from {npy}");

        // A sub-region that crosses chunk borders reads the same values as slicing the whole.
        var begin = array.Shape.ToArray().Select(e => e / 3).ToArray();
        var end = array.Shape.ToArray().Select(e => e - (e / 4)).ToArray();
        var region = new Region(begin, end);
        var part = new byte[region.VoxelCount * array.DType.ItemSize()];
        array.ReadRegion(region, part);
        var sliced = new byte[part.Length];
        BoxCopy.Copy(expected, array.Shape, begin, sliced, region.Shape, new long[region.Rank], region.Shape, array.DType.ItemSize());
        Assert.Equal(sliced, part);
    }

    [Fact]
    public void Attributes_and_dimension_names_are_read()
    {
        var v3 = ChunkedArray.Open(RepoPaths.TestData("zarr", "valid", "v3_shard_start.zarr"));
        Assert.Equal("hand-built shard", v3.Metadata.Attributes["description"]!.GetValue<string>());
        Assert.Equal("y,x", string.Join(',', v3.Metadata.DimensionNames!));
        Assert.Equal([4, 4], v3.Metadata.InnerChunkShape!);
        var n5 = ChunkedArray.Open(RepoPaths.TestData("zarr", "valid", "n5_java_style.n5"), "volume");
        Assert.Equal("[4.0,4.0,40.0]", n5.Metadata.Attributes["resolution"]!.ToJsonString());
        Assert.Equal([3, 4, 4], n5.ChunkShape.ToArray());
    }

    public static TheoryData<string, string> Bad()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, phrase) in JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(RepoPaths.TestData("zarr", "bad", "expected.json")))!)
        {
            data.Add(name, phrase);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Broken_containers_fail_with_a_message_naming_the_file_and_the_problem(string name, string phrase)
    {
        string path = RepoPaths.TestData("zarr", "bad", name);
        var error = Record.Exception(() =>
        {
            var array = ChunkedArray.Open(path);
            var buffer = new byte[Region.FromShape(array.Shape).VoxelCount * array.DType.ItemSize()];
            array.ReadRegion(Region.FromShape(array.Shape), buffer);
        });
        Assert.NotNull(error);
        Assert.True(error is InvalidDataException or NotSupportedException, $"{name}: {error.GetType().Name}: {error.Message}");
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    public void Keys_that_escape_the_container_are_refused(string key)
    {
        var store = new MemoryStore();
        Assert.Contains($"'{key}'", Assert.Throws<ArgumentException>(() => ChunkedArray.Open(store, key)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ChunkedArray.Create(store, key, new() { Shape = [4], DType = DType.UInt8, Chunks = [2] }));
    }

    [Fact]
    public void Opening_a_group_or_nothing_says_what_is_there()
    {
        Assert.Contains("is a group", Assert.Throws<FileNotFoundException>(() => ChunkedArray.Open(RepoPaths.TestData("zarr", "valid", "n5_java_style.n5"))).Message, StringComparison.Ordinal);
        var store = new MemoryStore();
        ChunkedArray.Create(store, "root/child", new() { Shape = [4], DType = DType.UInt8, Chunks = [2] });
        Assert.Contains("is a group, not an array; give the key of an array inside it (e.g. root/child)", Assert.Throws<FileNotFoundException>(() => ChunkedArray.Open(store, "root")).Message, StringComparison.Ordinal);
        Assert.Contains("No zarr or N5 array", Assert.Throws<FileNotFoundException>(() => ChunkedArray.Open(RepoPaths.TestData("zarr", "valid"))).Message, StringComparison.Ordinal);
    }
}
