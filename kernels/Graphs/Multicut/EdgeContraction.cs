namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// The contraction state of the greedy solvers (GAEC, greedy fixation): super-nodes (a union-find whose roots are
/// chosen explicitly), each with a list of its edge ids, a hash table from each pair of adjacent super-nodes to the one
/// edge joining them, and an addressable max-heap over the live edge ids. Contracting an edge folds the super-node of
/// smaller degree into the larger (equal degree: the edge's first end node stays); an edge of the folded node that
/// becomes parallel to one of the kept node is summed into it and leaves the heap, so every pair of super-nodes has one
/// edge and every live edge id is in the heap at most once (bioimage-cpp's <c>merge_dynamic_nodes</c>).
/// </summary>
/// <remarks>
/// Every edge stores the two super-nodes it joins now; a merge walks the folded node's list anyway and updates them there,
/// so no other list is touched. Folded edges stay in their other end node's list, marked dead, and are dropped when that
/// list is next compacted or walked. A contraction costs O(deg(folded node)) table operations plus O(log E) per heap update — never a walk over
/// the kept node's list, which on noisy grids grows to tens of thousands of entries — so GAEC runs in O(E log E) even
/// when one cluster swallows most of the graph. Memory: the lists share one arena (a list relocates to the arena's end
/// with doubled capacity, after dropping its dead entries, when a merge outgrows it; the arena grows by doubling), plus
/// flat per-node and per-edge arrays and the table: no step allocates in the steady state.
/// </remarks>
internal sealed class EdgeContraction
{
    private readonly MulticutProblem _problem;
    private readonly bool _absolutePriority;
    private readonly int[] _parent;
    private readonly int[] _degree;
    private readonly int[] _listStart;
    private readonly int[] _listLength;
    private readonly int[] _listCapacity;
    private readonly double[] _weight;
    private readonly Ends[] _ends;
    private readonly bool[] _cannotLink;
    private readonly NodePairTable _table;
    private int[] _arena;
    private int _arenaUsed;

    /// <summary>Every node its own super-node; every edge in the heap keyed by its cost (or |cost|).</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="absolutePriority">Key the heap by |cost| (greedy fixation) instead of cost (GAEC).</param>
    public EdgeContraction(MulticutProblem problem, bool absolutePriority)
    {
        _problem = problem;
        _absolutePriority = absolutePriority;
        int nodes = problem.NodeCount, edges = problem.EdgeCount;
        _parent = new int[nodes];
        _degree = new int[nodes];
        _listStart = new int[nodes];
        _listLength = new int[nodes];
        _listCapacity = new int[nodes];
        _weight = problem.Costs.ToArray();
        _ends = new Ends[edges];
        _cannotLink = absolutePriority ? new bool[edges] : [];
        _table = new NodePairTable(edges);
        _arena = new int[Math.Max(16, 3 * edges)];

        var start = problem.AdjacencyStart;
        problem.AdjacencyEdges.CopyTo(_arena);
        for (int node = 0; node < nodes; node++)
        {
            _parent[node] = node;
            _listStart[node] = start[node];
            _degree[node] = _listLength[node] = _listCapacity[node] = start[node + 1] - start[node];
        }

        _arenaUsed = start[nodes];
        var u = problem.U;
        var v = problem.V;
        for (int edge = 0; edge < edges; edge++)
        {
            _ends[edge] = new Ends(u[edge], v[edge]);
            _table.Add(u[edge], v[edge], edge);
        }

        SuperNodeCount = nodes;
        Heap = new IndexedMaxHeap(edges);
        if (absolutePriority)
        {
            var magnitudes = new double[edges];
            for (int edge = 0; edge < edges; edge++)
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
    public void Contract(int edge) => Merge(edge, _ends[edge].A, _ends[edge].B);

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
                    Merge(_table.Find(a, b), a, b);
                }
            }
        }
    }

    /// <summary>Labels 0, 1, … numbered by each super-node's first node.</summary>
    public int[] Labels()
    {
        var labels = new int[_parent.Length];
        var dense = _degree; // no longer needed: reused as root → label + 1
        dense.AsSpan().Clear();
        int next = 0;
        for (int node = 0; node < labels.Length; node++)
        {
            int root = Find(node);
            if (dense[root] == 0)
            {
                dense[root] = ++next;
            }

            labels[node] = dense[root] - 1;
        }

        return labels;
    }

    /// <summary>Contracts <paramref name="edge"/>, the edge between the super-nodes <paramref name="a"/> and <paramref name="b"/>.</summary>
    private void Merge(int edge, int a, int b)
    {
        int kept = a, removed = b;
        if (_degree[kept] < _degree[removed])
        {
            (kept, removed) = (removed, kept);
        }

        _parent[removed] = kept;
        SuperNodeCount--;
        _ends[edge] = Ends.Dead;
        Heap.Remove(edge);
        _table.Remove(kept, removed);
        _degree[kept]--;
        Reserve(kept, _degree[removed]);

        int removedStart = _listStart[removed];
        for (int entry = removedStart; entry < removedStart + _listLength[removed]; entry++)
        {
            int moved = _arena[entry];
            var ends = _ends[moved];
            if (ends.IsDead)
            {
                continue;
            }

            int neighbour = ends.A == removed ? ends.B : ends.A;
            _table.Remove(removed, neighbour);
            int existing = _table.Find(kept, neighbour);
            if (existing < 0)
            {
                _ends[moved] = new Ends(kept, neighbour);
                _table.Add(kept, neighbour, moved);
                _arena[_listStart[kept] + _listLength[kept]++] = moved;
                _degree[kept]++;
                continue;
            }

            // A parallel edge: sum it into the kept one; a cannot-link on either side stays.
            double weight = _weight[existing] += _weight[moved];
            _ends[moved] = Ends.Dead;
            Heap.Remove(moved);
            _degree[neighbour]--;
            if (_absolutePriority && (_cannotLink[existing] || _cannotLink[moved]))
            {
                _cannotLink[existing] = true;
                Heap.Remove(existing);
            }
            else
            {
                Heap.Change(existing, _absolutePriority ? Math.Abs(weight) : weight);
            }
        }

        _listLength[removed] = 0;
        _degree[removed] = 0;
    }

    /// <summary>Makes room for <paramref name="extra"/> more entries in <paramref name="node"/>'s list.</summary>
    private void Reserve(int node, int extra)
    {
        int start = _listStart[node];
        if (_listLength[node] + extra <= _listCapacity[node])
        {
            return;
        }

        int live = start;
        for (int entry = start; entry < start + _listLength[node]; entry++)
        {
            if (!_ends[_arena[entry]].IsDead)
            {
                _arena[live++] = _arena[entry];
            }
        }

        // Stay in place only with half the list free afterwards, so that compactions are paid for by the appends.
        _listLength[node] = live - start;
        int needed = _listLength[node] + extra;
        if (2 * needed <= _listCapacity[node])
        {
            return;
        }

        int capacity = Math.Max(2 * needed, _listCapacity[node]);
        if (_arenaUsed + capacity > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arenaUsed + capacity, 2 * _arena.Length));
        }

        Array.Copy(_arena, start, _arena, _arenaUsed, _listLength[node]);
        _listStart[node] = _arenaUsed;
        _listCapacity[node] = capacity;
        _arenaUsed += capacity;
    }

    /// <summary>The super-nodes an edge joins now (kept current on every merge); A = -1 marks a contracted or folded edge.</summary>
    private readonly record struct Ends(int A, int B)
    {
        public static Ends Dead => new(-1, -1);

        public bool IsDead => A < 0;
    }
}
