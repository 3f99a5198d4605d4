namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// The contraction state of the greedy solvers (GAEC, greedy fixation): super-nodes (a union-find whose roots are
/// chosen explicitly), each with an unordered adjacency list of (neighbour, edge id) entries, and an addressable
/// max-heap over the live edge ids. Contracting an edge folds the super-node of smaller degree into the larger (equal
/// degree: the edge's first end node stays); a parallel edge that appears is summed into the kept edge and the folded id
/// leaves the heap, so every pair of super-nodes has one edge and every live edge id is in the heap at most once
/// (bioimage-cpp's <c>merge_dynamic_nodes</c>).
/// </summary>
/// <remarks>
/// Memory: all adjacency lists live in one arena of (neighbour, edge) pairs, a list relocating to the arena's end with
/// doubled capacity when a merge outgrows it; the arena itself grows by doubling, so no step allocates in the steady
/// state. A contraction costs O(deg(removed) · (1 + deg(its neighbours))) plus O(log E) per heap update; folding the
/// smaller list keeps the total near O(E log E) on sparse graphs. Per-edge weights, the optional cannot-link flags and a
/// stamp per node (the kept super-node's neighbour → edge id) are flat arrays.
/// </remarks>
internal sealed class EdgeContraction
{
    private readonly MulticutProblem _problem;
    private readonly bool _absolutePriority;
    private readonly int[] _parent;
    private readonly int[] _listStart;
    private readonly int[] _listCount;
    private readonly int[] _listCapacity;
    private readonly int[] _edgeTo;
    private readonly double[] _weight;
    private readonly bool[] _cannotLink;
    private Entry[] _arena;
    private int _arenaUsed;

    /// <summary>Every node its own super-node; every edge in the heap keyed by its cost (or |cost|).</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="absolutePriority">Key the heap by |cost| (greedy fixation) instead of cost (GAEC).</param>
    public EdgeContraction(MulticutProblem problem, bool absolutePriority)
    {
        _problem = problem;
        _absolutePriority = absolutePriority;
        int nodes = problem.NodeCount;
        _parent = new int[nodes];
        _listStart = new int[nodes];
        _listCount = new int[nodes];
        _listCapacity = new int[nodes];
        _edgeTo = new int[nodes];
        _edgeTo.AsSpan().Fill(-1);
        _weight = problem.Costs.ToArray();
        _cannotLink = absolutePriority ? new bool[problem.EdgeCount] : [];
        _arena = new Entry[Math.Max(16, 3 * problem.EdgeCount)];

        var start = problem.AdjacencyStart;
        var neighbours = problem.AdjacencyNodes;
        var edges = problem.AdjacencyEdges;
        for (int node = 0; node < nodes; node++)
        {
            _parent[node] = node;
            _listStart[node] = start[node];
            _listCount[node] = _listCapacity[node] = start[node + 1] - start[node];
            for (int entry = start[node]; entry < start[node + 1]; entry++)
            {
                _arena[entry] = new Entry(neighbours[entry], edges[entry]);
            }
        }

        _arenaUsed = start[nodes];
        SuperNodeCount = nodes;
        Heap = new IndexedMaxHeap(problem.EdgeCount);
        if (absolutePriority)
        {
            var magnitudes = new double[_weight.Length];
            for (int edge = 0; edge < magnitudes.Length; edge++)
            {
                magnitudes[edge] = Math.Abs(_weight[edge]);
            }

            Heap.Build(magnitudes);
        }
        else
        {
            Heap.Build(_weight);
        }
    }

    /// <summary>The live edges keyed by their (summed) cost, or |cost|.</summary>
    public IndexedMaxHeap Heap { get; }

    /// <summary>Number of super-nodes left.</summary>
    public int SuperNodeCount { get; private set; }

    /// <summary>The summed cost of the live edge <paramref name="edge"/>.</summary>
    public double Weight(int edge) => _weight[edge];

    /// <summary>Marks the live edge <paramref name="edge"/> cannot-link and takes it out of the heap (greedy fixation).</summary>
    public void Forbid(int edge)
    {
        _cannotLink[edge] = true;
        Heap.Remove(edge);
    }

    /// <summary>The super-node holding <paramref name="node"/> (path halving).</summary>
    public int Find(int node)
    {
        var parent = _parent;
        while (parent[node] != node)
        {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }

        return node;
    }

    /// <summary>Contracts the live edge <paramref name="edge"/>.</summary>
    public void Contract(int edge) => Merge(Find(_problem.U[edge]), Find(_problem.V[edge]));

    /// <summary>
    /// Contracts every edge whose end nodes share a label in <paramref name="labels"/> (a warm start: each connected part
    /// of a cluster becomes one super-node).
    /// </summary>
    public void ContractWithin(ReadOnlySpan<int> labels)
    {
        var u = _problem.U;
        var v = _problem.V;
        for (int edge = 0; edge < u.Length; edge++)
        {
            if (labels[u[edge]] == labels[v[edge]])
            {
                int a = Find(u[edge]), b = Find(v[edge]);
                if (a != b)
                {
                    Merge(a, b);
                }
            }
        }
    }

    /// <summary>Labels 0, 1, … numbered by each super-node's first node.</summary>
    public int[] Labels()
    {
        var labels = new int[_parent.Length];
        var dense = _edgeTo; // all -1 between merges: reused as root → label
        int next = 0;
        for (int node = 0; node < labels.Length; node++)
        {
            int root = Find(node);
            if (dense[root] < 0)
            {
                dense[root] = next++;
            }

            labels[node] = dense[root];
        }

        dense.AsSpan().Fill(-1);
        return labels;
    }

    private void Merge(int a, int b)
    {
        int kept = a, removed = b;
        if (_listCount[kept] < _listCount[removed])
        {
            (kept, removed) = (removed, kept);
        }

        _parent[removed] = kept;
        SuperNodeCount--;
        EnsureCapacity(kept, _listCount[kept] + _listCount[removed]);

        var edgeTo = _edgeTo;
        int keptStart = _listStart[kept];
        for (int entry = keptStart; entry < keptStart + _listCount[kept]; entry++)
        {
            edgeTo[_arena[entry].Node] = _arena[entry].Edge;
        }

        Heap.Remove(edgeTo[removed]);
        edgeTo[removed] = -1;
        EraseNeighbour(kept, removed);

        int removedStart = _listStart[removed];
        for (int entry = removedStart; entry < removedStart + _listCount[removed]; entry++)
        {
            var (neighbour, folded) = _arena[entry];
            if (neighbour == kept)
            {
                continue;
            }

            int existing = edgeTo[neighbour];
            if (existing < 0)
            {
                // No edge kept–neighbour yet: the removed side's edge now joins kept and neighbour.
                _arena[_listStart[kept] + _listCount[kept]++] = new Entry(neighbour, folded);
                edgeTo[neighbour] = folded;
                RenameNeighbour(neighbour, removed, kept);
            }
            else
            {
                // A parallel edge: sum it into the kept one; a cannot-link on either side stays.
                double weight = _weight[existing] += _weight[folded];
                Heap.Remove(folded);
                EraseNeighbour(neighbour, removed);
                if (_absolutePriority && (_cannotLink[existing] || _cannotLink[folded]))
                {
                    _cannotLink[existing] = true;
                    Heap.Remove(existing);
                }
                else
                {
                    Heap.Change(existing, _absolutePriority ? Math.Abs(weight) : weight);
                }
            }
        }

        keptStart = _listStart[kept];
        for (int entry = keptStart; entry < keptStart + _listCount[kept]; entry++)
        {
            edgeTo[_arena[entry].Node] = -1;
        }

        _listCount[removed] = 0;
    }

    private void EnsureCapacity(int node, int needed)
    {
        if (needed <= _listCapacity[node])
        {
            return;
        }

        int capacity = Math.Max(needed, 2 * _listCapacity[node]);
        if (_arenaUsed + capacity > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arenaUsed + capacity, 2 * _arena.Length));
        }

        Array.Copy(_arena, _listStart[node], _arena, _arenaUsed, _listCount[node]);
        _listStart[node] = _arenaUsed;
        _listCapacity[node] = capacity;
        _arenaUsed += capacity;
    }

    private void EraseNeighbour(int node, int neighbour)
    {
        int start = _listStart[node], last = start + _listCount[node] - 1;
        for (int entry = start; entry <= last; entry++)
        {
            if (_arena[entry].Node == neighbour)
            {
                _arena[entry] = _arena[last];
                _listCount[node]--;
                return;
            }
        }
    }

    private void RenameNeighbour(int node, int from, int to)
    {
        int start = _listStart[node];
        for (int entry = start; entry < start + _listCount[node]; entry++)
        {
            if (_arena[entry].Node == from)
            {
                _arena[entry] = new Entry(to, _arena[entry].Edge);
                return;
            }
        }
    }

    private readonly record struct Entry(int Node, int Edge);
}
