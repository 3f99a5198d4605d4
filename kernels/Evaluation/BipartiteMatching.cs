namespace BioImage.Kernels;

/// <summary>
/// Maximum-cardinality matching of a bipartite graph — Hopcroft &amp; Karp, "An n^{5/2} algorithm for maximum
/// matchings in bipartite graphs", SIAM J. Comput. 2:225, 1973. The matching metrics need only its size: a
/// Hungarian assignment on −(score ≥ threshold) − score/(2m), as bioimage-py and stardist solve it, matches exactly
/// as many pairs with score ≥ threshold as a maximum matching of those pairs has (the secondary term sums to less
/// than ½), whichever optimum the solver picks.
/// </summary>
/// <remarks>
/// Each phase finds the shortest augmenting paths from all free left vertices by one breadth-first search, then
/// augments along a maximal set of vertex-disjoint shortest paths by depth-first search (iterative, so deep graphs do
/// not overflow the stack). O(E·√V) time, O(V + E) memory.
/// </remarks>
public static class BipartiteMatching
{
    private const int Free = -1;

    /// <summary>The size of a maximum matching of the graph with edges (left[e], right[e]).</summary>
    /// <param name="leftCount">Left vertices 0 … leftCount − 1.</param>
    /// <param name="rightCount">Right vertices 0 … rightCount − 1.</param>
    /// <param name="left">Left end of each edge.</param>
    /// <param name="right">Right end of each edge (duplicates allowed).</param>
    /// <exception cref="ArgumentException">The edge arrays differ in length or name a vertex out of range.</exception>
    public static int MaximumSize(int leftCount, int rightCount, ReadOnlySpan<int> left, ReadOnlySpan<int> right)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leftCount);
        ArgumentOutOfRangeException.ThrowIfNegative(rightCount);
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Every edge needs a left and a right end; got {left.Length} and {right.Length}.", nameof(right));
        }

        // Adjacency of the left vertices in compressed rows.
        var start = new int[leftCount + 1];
        for (int e = 0; e < left.Length; e++)
        {
            if ((uint)left[e] >= (uint)leftCount || (uint)right[e] >= (uint)rightCount)
            {
                throw new ArgumentException($"Edge {e} ({left[e]}, {right[e]}) lies outside {leftCount} × {rightCount} vertices.", nameof(left));
            }

            start[left[e] + 1]++;
        }

        for (int v = 0; v < leftCount; v++)
        {
            start[v + 1] += start[v];
        }

        var adjacency = new int[left.Length];
        var fill = start[..^1];
        for (int e = 0; e < left.Length; e++)
        {
            adjacency[fill[left[e]]++] = right[e];
        }

        return new Search(start, adjacency, leftCount, rightCount).Run();
    }

    private sealed class Search(int[] start, int[] adjacency, int leftCount, int rightCount)
    {
        private readonly int[] _matchOfLeft = Filled(leftCount);
        private readonly int[] _matchOfRight = Filled(rightCount);
        private readonly int[] _layer = new int[leftCount];
        private readonly int[] _next = new int[leftCount];
        private readonly int[] _queue = new int[leftCount];
        private readonly int[] _path = new int[leftCount];

        public int Run()
        {
            int size = 0;
            while (Layer())
            {
                Array.Copy(start, _next, leftCount);
                for (int v = 0; v < leftCount; v++)
                {
                    if (_matchOfLeft[v] == Free && Augment(v))
                    {
                        size++;
                    }
                }
            }

            return size;
        }

        /// <summary>Breadth-first layers from the free left vertices; true when a free right vertex is reachable.</summary>
        private bool Layer()
        {
            int head = 0, tail = 0;
            for (int v = 0; v < leftCount; v++)
            {
                _layer[v] = _matchOfLeft[v] == Free ? 0 : int.MaxValue;
                if (_matchOfLeft[v] == Free)
                {
                    _queue[tail++] = v;
                }
            }

            bool found = false;
            while (head < tail)
            {
                int v = _queue[head++];
                for (int e = start[v]; e < start[v + 1]; e++)
                {
                    int partner = _matchOfRight[adjacency[e]];
                    if (partner == Free)
                    {
                        found = true;
                    }
                    else if (_layer[partner] == int.MaxValue)
                    {
                        _layer[partner] = _layer[v] + 1;
                        _queue[tail++] = partner;
                    }
                }
            }

            return found;
        }

        /// <summary>Depth-first search for a shortest augmenting path from the free left vertex <paramref name="root"/>, along the layers; flips it when found.</summary>
        private bool Augment(int root)
        {
            int depth = 0;
            _path[0] = root;
            while (depth >= 0)
            {
                int v = _path[depth];
                if (_next[v] == start[v + 1])
                {
                    _layer[v] = int.MaxValue; // a dead end for the rest of this phase
                    depth--;
                    continue;
                }

                int u = adjacency[_next[v]];
                int partner = _matchOfRight[u];
                if (partner == Free)
                {
                    // Flip the path: every left vertex on it takes the right vertex its cursor points at.
                    for (int d = depth; d >= 0; d--)
                    {
                        int w = _path[d];
                        int target = adjacency[_next[w]];
                        _matchOfLeft[w] = target;
                        _matchOfRight[target] = w;
                    }

                    return true;
                }

                if (_layer[partner] == _layer[v] + 1)
                {
                    _path[++depth] = partner;
                }
                else
                {
                    _next[v]++;
                }
            }

            return false;
        }

        private static int[] Filled(int length)
        {
            var values = new int[length];
            Array.Fill(values, Free);
            return values;
        }
    }
}
