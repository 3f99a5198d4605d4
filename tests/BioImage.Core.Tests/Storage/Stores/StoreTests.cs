using BioImage.Storage.Stores;

namespace BioImage.Core.Tests.Storage.Stores;

/// <summary>The contract every store keeps (zarr-python's StoreTests idea): each store's tests subclass this.</summary>
public abstract class StoreTests : IDisposable
{
    protected abstract IStore Store { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    [Fact]
    public void Set_get_delete_round_trip()
    {
        Assert.Null(Store.Get("a/b/c"));
        Assert.False(Store.Contains("a/b/c"));
        Store.Set("a/b/c", [1, 2, 3]);
        Assert.Equal([1, 2, 3], Store.Get("a/b/c")!);
        Assert.True(Store.Contains("a/b/c"));
        Store.Set("a/b/c", [9]);
        Assert.Equal([9], Store.Get("a/b/c")!);
        Store.Set("a/b/empty", []);
        Assert.Equal([], Store.Get("a/b/empty")!);
        Store.Delete("a/b/c");
        Store.Delete("a/b/c");
        Assert.Null(Store.Get("a/b/c"));
    }

    [Fact]
    public void GetInto_reads_an_object_of_the_expected_length_and_reports_any_other_length()
    {
        var destination = new byte[4];
        Assert.Equal(-1, Store.GetInto("k/missing", destination));
        Store.Set("k/four", [1, 2, 3, 4]);
        Assert.Equal(4, Store.GetInto("k/four", destination));
        Assert.Equal([1, 2, 3, 4], destination);

        Store.Set("k/three", [7, 7, 7]);
        Store.Set("k/five", [7, 7, 7, 7, 7]);
        Assert.Equal(3, Store.GetInto("k/three", destination));
        Assert.Equal(5, Store.GetInto("k/five", destination));
        Assert.Equal([1, 2, 3, 4], destination);
        Assert.Equal(4, Store.GetInto("k/four", Span<byte>.Empty));
    }

    [Fact]
    public void List_returns_every_key_below_a_prefix_in_order()
    {
        Store.Set("x/.zarray", [0]);
        Store.Set("x/1.0", [0]);
        Store.Set("x/0.0", [0]);
        Store.Set("x/c/0/1", [0]);
        Store.Set("y/0", [0]);
        Assert.Equal(["x/.zarray", "x/0.0", "x/1.0", "x/c/0/1"], Store.List("x"));
        Assert.Equal(5, Store.List(string.Empty).Count());
        Assert.Empty(Store.List("z"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a\\b")]
    [InlineData("C:/x")]
    [InlineData("")]
    public void Keys_that_could_escape_the_container_are_refused(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => Store.Set(key, [1]));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Store.Get(key));
    }

    [Fact]
    public void Concurrent_writers_of_different_keys_and_readers_of_one_key_never_see_torn_objects()
    {
        var big = Enumerable.Repeat((byte)7, 1 << 20).ToArray();
        var other = Enumerable.Repeat((byte)9, 1 << 20).ToArray();
        Store.Set("shared", big);
        Parallel.For(0, 64, i =>
        {
            Store.Set($"grid/{i % 4}/{i}", BitConverter.GetBytes(i));
            Store.Set("shared", i % 2 == 0 ? big : other);
            var seen = Store.Get("shared")!;
            Assert.Equal(big.Length, seen.Length);
            Assert.True(seen.AsSpan().IndexOfAnyExcept(seen[0]) < 0, "a reader saw a mix of two writes");
        });
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(Store.Get($"grid/{i % 4}/{i}")));
        }

        Assert.Equal(65, Store.List(string.Empty).Count());
    }
}

public sealed class MemoryStoreTests : StoreTests
{
    protected override IStore Store { get; } = new MemoryStore();
}

public sealed class FileSystemStoreTests : StoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bioimage-store-" + Guid.NewGuid().ToString("N"));

    public FileSystemStoreTests() => Store = new FileSystemStore(_root);

    protected override IStore Store { get; }

    public override void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        base.Dispose();
    }

    [Fact]
    public void Writes_leave_no_temporary_files_and_land_where_the_key_says()
    {
        Store.Set("arr/c/0/1", [5]);
        Assert.True(File.Exists(Path.Combine(_root, "arr", "c", "0", "1")));
        Assert.Single(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Writers_in_other_processes_write_their_own_chunks_next_to_ours()
    {
        // Python processes write chunks 0..7 of the same folder while we write 8..15.
        const string script = "import os,sys\nfor i in range(8):\n    d=os.path.join(sys.argv[1],'c',str(i))\n    os.makedirs(d,exist_ok=True)\n    open(os.path.join(d,'0'),'wb').write(bytes([i])*4096)\n";
        var python = Task.Run(() => Python.Run(script, _root));
        Parallel.For(8, 16, i => Store.Set($"c/{i}/0", Enumerable.Repeat((byte)i, 4096).ToArray()));
        await python;
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(Enumerable.Repeat((byte)i, 4096), Store.Get($"c/{i}/0")!);
        }
    }
}
