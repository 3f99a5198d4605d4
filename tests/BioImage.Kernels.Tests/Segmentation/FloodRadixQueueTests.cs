namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// <see cref="FloodRadixQueue"/> against a sorted list of (key, age): it must pop exactly in that order, whatever the
/// keys, with pushes below the items already popped, and while its chunk arena grows past its first size.
/// </summary>
public class FloodRadixQueueTests
{
    [Theory]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(0x0000_FFFFu)]
    [InlineData(0x0000_00FFu)]
    public void Pops_in_key_then_push_order(uint keyRange)
    {
        var random = new Random((int)keyRange);
        var pending = new SortedSet<(uint Key, int Age)>();
        using var queue = new FloodRadixQueue(expectedItems: 1);
        int age = 0;
        var popped = new List<int>();
        var expected = new List<int>();

        // A million items, far more than the first arena holds, popped a third of the way and at the end.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 600_000; i++)
            {
                uint key = (uint)random.NextInt64(0, (long)keyRange + 1);
                pending.Add((key, age));
                queue.Push(key, age++);
            }

            int pops = round == 0 ? 200_000 : pending.Count;
            for (int i = 0; i < pops; i++)
            {
                var first = pending.Min;
                pending.Remove(first);
                expected.Add(first.Age);
                popped.Add(queue.Pop());
            }
        }

        Assert.Equal(expected, popped);
        Assert.Equal(-1, queue.Pop());
    }
}
