namespace BioImage.Runners;

/// <summary>
/// Groups the blocks of a run so that blocks writing into the same shard of a sharded output stay together: a shard is
/// one file, rewritten whole, so two blocks of one shard must never be written at the same time (bioimage-py's
/// <c>group_blocks_by_shard</c>). Blocks touching several shards join all their groups (union-find over shard cells).
/// Without sharded outputs every block is its own group. O(blocks · cells per block).
/// </summary>
internal static class ShardGroups
{
    /// <summary>Groups of block ids, in order of their first block; blocks keep their order inside a group.</summary>
    /// <param name="blocking">The run's blocking.</param>
    /// <param name="blockIds">The blocks to run.</param>
    /// <param name="shardShapes">The shard shapes of the sharded outputs, restricted to the domain's axes.</param>
    public static List<long[]> Of(Blocking blocking, IReadOnlyList<long> blockIds, IReadOnlyList<IReadOnlyList<long>> shardShapes)
    {
        if (shardShapes.Count == 0)
        {
            return blockIds.Select(id => new[] { id }).ToList();
        }

        var parent = Enumerable.Range(0, blockIds.Count).ToArray();
        var ownerOfCell = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < blockIds.Count; i++)
        {
            var block = blocking.GetBlock(blockIds[i]);
            foreach (var shards in shardShapes)
            {
                foreach (string cell in Cells(block, shards))
                {
                    if (ownerOfCell.TryGetValue(cell, out int other))
                    {
                        Union(parent, i, other);
                    }
                    else
                    {
                        ownerOfCell[cell] = i;
                    }
                }
            }
        }

        return Enumerable.Range(0, blockIds.Count)
            .GroupBy(i => Find(parent, i))
            .OrderBy(g => g.Min())
            .Select(g => g.Order().Select(i => blockIds[i]).ToArray())
            .ToList();
    }

    /// <summary>The shard cells (grid positions of the shard grid, as text keys) a block overlaps.</summary>
    private static IEnumerable<string> Cells(Region block, IReadOnlyList<long> shards)
    {
        var first = new long[shards.Count];
        var last = new long[shards.Count];
        for (int axis = 0; axis < shards.Count; axis++)
        {
            first[axis] = block.Begin[axis] / shards[axis];
            last[axis] = (block.End[axis] - 1) / shards[axis];
        }

        var cell = (long[])first.Clone();
        while (true)
        {
            yield return string.Join(',', cell);
            int axis = cell.Length - 1;
            while (axis >= 0 && ++cell[axis] > last[axis])
            {
                cell[axis] = first[axis];
                axis--;
            }

            if (axis < 0)
            {
                yield break;
            }
        }
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        int rootA = Find(parent, a), rootB = Find(parent, b);
        if (rootA != rootB)
        {
            parent[Math.Max(rootA, rootB)] = Math.Min(rootA, rootB);
        }
    }
}
