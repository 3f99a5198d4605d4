namespace BioImage.Kernels.Tests.Segmentation;

public class UnionFindTests
{
    [Fact]
    public void Sets_equal_the_components_of_a_breadth_first_search_and_roots_are_the_smallest_elements()
    {
        var random = new Random(1);
        const int n = 500;
        var edges = Enumerable.Range(0, 300).Select(_ => (random.Next(n), random.Next(n))).ToArray();
        using var sets = new UnionFind<uint>();
        sets.AddSets(n);
        foreach (var (a, b) in edges)
        {
            uint root = sets.Union((uint)a, (uint)b);
            Assert.Equal(Math.Min(sets.Find((uint)a), sets.Find((uint)b)), root);
        }

        var component = BreadthFirstComponents(n, edges);
        for (int i = 0; i < n; i++)
        {
            int smallest = Enumerable.Range(0, n).First(j => component[j] == component[i]);
            Assert.Equal((uint)smallest, sets.Find((uint)i));
        }
    }

    [Fact]
    public void MakeContiguous_numbers_the_sets_by_their_smallest_element()
    {
        using var sets = new UnionFind<ulong>();
        sets.AddSets(8);
        sets.Union(7, 2);
        sets.Union(5, 6);
        sets.Union(6, 1);
        sets.Union(3, 4);
        var labels = new ulong[8];
        Assert.Equal(4, sets.MakeContiguous(labels, 10));
        Assert.Equal(new ulong[] { 10, 11, 12, 13, 13, 11, 11, 12 }, labels);
        Assert.Equal(1UL, sets.Find(6));
    }

    [Fact]
    public void MakeSet_grows_and_overflow_says_to_use_uint64()
    {
        using var sets = new UnionFind<byte>(4);
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal((byte)i, sets.MakeSet());
        }

        Assert.Equal(256, sets.Count);
        var error = Assert.Throws<OverflowException>(() => sets.MakeSet());
        Assert.Contains("uint64", error.Message, StringComparison.Ordinal);
        var labels = new byte[256];
        Assert.Throws<OverflowException>(() => sets.MakeContiguous(labels, 1));
        Assert.Equal(256, sets.MakeContiguous(labels, 0));
        Assert.Throws<ArgumentOutOfRangeException>("element", () => new UnionFind<uint>().Find(0));
    }

    private static int[] BreadthFirstComponents(int n, (int, int)[] edges)
    {
        var neighbours = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges)
        {
            neighbours[a].Add(b);
            neighbours[b].Add(a);
        }

        var component = Enumerable.Repeat(-1, n).ToArray();
        for (int start = 0; start < n; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            var queue = new Queue<int>([start]);
            component[start] = start;
            while (queue.TryDequeue(out int node))
            {
                foreach (int next in neighbours[node].Where(next => component[next] < 0))
                {
                    component[next] = start;
                    queue.Enqueue(next);
                }
            }
        }

        return component;
    }
}
