using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Kernels.Tests.Graphs.Multicut;

public class ContractionStructureTests
{
    [Fact]
    public void Node_pair_table_matches_a_dictionary_under_random_adds_and_removes()
    {
        var random = new Random(3);
        var table = new NodePairTable(600);
        var reference = new Dictionary<(int, int), int>();
        for (int step = 0; step < 200_000; step++)
        {
            int a = random.Next(60), b = random.Next(60);
            if (a == b)
            {
                continue;
            }

            var key = (Math.Min(a, b), Math.Max(a, b));
            Assert.Equal(reference.GetValueOrDefault(key, -1), table.Find(b, a));
            if (reference.ContainsKey(key) || reference.Count >= 600)
            {
                table.Remove(a, b);
                reference.Remove(key);
            }
            else
            {
                table.Add(a, b, step);
                reference[key] = step;
            }
        }

        foreach (var ((a, b), edge) in reference)
        {
            Assert.Equal(edge, table.Find(a, b));
        }
    }

    [Fact]
    public void Indexed_heap_pops_in_priority_order_after_changes_and_removals()
    {
        var random = new Random(4);
        var priorities = Enumerable.Range(0, 1000).Select(_ => random.NextDouble()).ToArray();
        var heap = new IndexedMaxHeap(priorities.Length);
        heap.Build(priorities);
        var alive = Enumerable.Range(0, priorities.Length).ToHashSet();
        for (int step = 0; step < 3000; step++)
        {
            int key = random.Next(priorities.Length);
            if (!alive.Contains(key))
            {
                Assert.False(heap.Contains(key));
                heap.Push(key, priorities[key] = random.NextDouble());
                alive.Add(key);
            }
            else if (random.Next(2) == 0)
            {
                heap.Change(key, priorities[key] = random.NextDouble() * 2);
            }
            else
            {
                heap.Remove(key);
                alive.Remove(key);
            }
        }

        var expected = alive.OrderByDescending(key => priorities[key]).ToArray();
        Assert.Equal(expected.Length, heap.Count);
        foreach (int key in expected)
        {
            Assert.Equal(priorities[key], heap.TopPriority);
            Assert.Equal(key, heap.Pop());
        }
    }
}
