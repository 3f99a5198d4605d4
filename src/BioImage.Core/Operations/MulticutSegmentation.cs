using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Kernels.Graphs;
using BioImage.Kernels.Graphs.Multicut;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Operations;

/// <summary>
/// <c>multicut</c>: the multicut segmentation workflow of cluster_tools (<c>MulticutSegmentationWorkflow</c>), block-wise
/// on every backend:
/// <list type="number">
/// <item>supervoxels — given, or the distance-transform watershed of the boundary map (<see cref="Supervoxels"/>);</item>
/// <item>graph — every block reduces to its supervoxel ids and the <see cref="EdgeTable"/> of the face pairs it owns
/// (one-voxel upper halo); the lead merges them exactly, numbers the supervoxels densely (sorted ids) and turns the
/// mean boundary value of every edge into a cost (<see cref="EdgeCosts.ComputeEdgeCosts{T}"/>, β, weighting);</item>
/// <item>levels — the hierarchical block-wise multicut of Pape et al. 2017: at level l the blocks are 2^l × the block
/// shape; the sub-problem of each (the current nodes whose voxels lie in it, the edges between them) is written to the
/// run's scratch folder and solved as one item of a distributed pass; an edge is contracted when it is inside some
/// block's sub-problem and no block cut it (an edge leaving a block counts as cut there)
/// (<see cref="ProblemReduction"/>); the reduced problem (parallel edges summed) goes to the next level;</item>
/// <item>the last reduced problem is solved whole by the decomposer (<see cref="MulticutDecomposer"/>: components over
/// attractive edges solved independently, in parallel), and a relabel pass writes 1 + the node label of every voxel's
/// supervoxel (labels 1 … K, first-occurrence order of the sorted supervoxel ids).</item>
/// </list>
/// Memory: a graph block holds its voxels and its edges; the lead holds the merged edge table, the per-block node lists
/// and one level's problem; a sub-problem item holds its block's sub-problem; a relabel block its voxels and the
/// supervoxel → segment table. Everything the lead computes is deterministic, so local threads, worker processes and
/// Slurm give the same output bit for bit for one block shape.
/// </summary>
public sealed class MulticutSegmentation : Operation<MulticutSegmentationResult>
{
    private static readonly string[] SolverNames = ["kl", "gaec", "greedy-fixation"];

    /// <summary>Boundary bias of the costs, in (0, 1); above 0.5 favours cuts.</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Cost weighting by edge size: none, all, xyz or z.</summary>
    public string Weighting { get; set; } = "none";

    /// <summary>Solver of the sub-problems and (inside the decomposer) of the last problem: kl (warm-started from GAEC), gaec or greedy-fixation.</summary>
    public string Solver { get; set; } = "kl";

    /// <summary>Levels of block-wise sub-problems before the whole solve (0: solve the whole problem at once).</summary>
    public int Levels { get; set; } = 1;

    /// <summary>Element type of the segmentation (integer).</summary>
    public DType OutputDType { get; set; } = DType.UInt64;

    /// <summary>
    /// Computes the supervoxels from the boundary map (the only input) with this watershed instead of taking them as the
    /// second input; they go to the second output when there is one, else to an array in the run's scratch folder.
    /// </summary>
    public DistanceTransformWatershedOperation? Supervoxels { get; set; }

    /// <summary>With <see cref="Supervoxels"/>: write the computed supervoxels to a second output (else to the run's scratch folder).</summary>
    public bool KeepSupervoxels { get; set; }

    /// <inheritdoc />
    public override string Name => "multicut";

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <inheritdoc />
    [JsonIgnore]
    public override IReadOnlyList<string> Passes =>
        [.. Supervoxels is null ? [] : new[] { "supervoxels" }, "graph", .. Enumerable.Range(1, Math.Max(Levels, 0)).Select(l => $"level {l}"), "relabel"];

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        VerbInputs.Require(inputs, Supervoxels is null ? 2 : 1, Name);
        if (inputs[0].Shape.Count is not (2 or 3))
        {
            throw new ArgumentException($"multicut needs a 2D or 3D boundary map; got {inputs[0].Shape.Count} axes.", nameof(inputs));
        }

        if (Supervoxels is null)
        {
            VerbInputs.RequireLabels(inputs[1], "multicut's SUPERVOXELS");
        }
        else
        {
            _ = Supervoxels.GetHalo(inputs[0].Shape.Count);
        }

        if (!(Beta > 0 && Beta < 1))
        {
            throw new ArgumentException($"--beta must lie strictly between 0 and 1; got {Beta.ToString(CultureInfo.InvariantCulture)}.", nameof(inputs));
        }

        _ = RegionAdjacency.Scheme(Weighting);
        _ = CreateSolver(Solver);
        if (Levels is < 0 or > 16)
        {
            throw new ArgumentException($"--levels must be in 0..16; got {Levels}.", nameof(inputs));
        }

        VerbInputs.RequireIntegerOutput(OutputDType, Name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var segmentation = new ArrayLayout(inputs[0].Shape, OutputDType, inputs[0].Chunks);
        return Supervoxels is null || !KeepSupervoxels ? [segmentation] : [segmentation, new ArrayLayout(inputs[0].Shape, DType.UInt64, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override MulticutSegmentationResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var clock = Stopwatch.StartNew();
        var steps = new List<StepTime>();
        void Step(string name)
        {
            steps.Add(new StepTime(name, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        var boundaries = run.Inputs[0];
        var supervoxels = Supervoxels is null ? run.Inputs[1] : Segment(run, Supervoxels);
        if (Supervoxels is not null)
        {
            Step("supervoxels");
        }

        var (ids, problem, blockNodes) = Graph(run, supervoxels, boundaries);
        Step("graph");
        var blocking = new Blocking([.. boundaries.Shape], [.. run.Options.BlockShape!]);
        var current = problem;
        var nodeMap = Enumerable.Range(0, problem.NodeCount).ToArray();
        var levels = new List<LevelSize>();
        for (int level = 0; level < Levels; level++)
        {
            (current, var reduced) = SolveLevel(run, current, nodeMap, blocking, blockNodes, level);
            for (int i = 0; i < nodeMap.Length; i++)
            {
                nodeMap[i] = reduced[nodeMap[i]];
            }

            levels.Add(new LevelSize(current.NodeCount, current.EdgeCount));
            Step($"level {level + 1}");
        }

        var reducedLabels = new MulticutDecomposer(CreateSolver(Solver), threads: run.Options.Workers).Solve(current);
        var labels = new int[nodeMap.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = reducedLabels[nodeMap[i]];
        }

        var dense = problem.NodeCount == 0 ? labels : MulticutLabels.ConnectedClusters(problem, labels);
        Step("solve");
        supervoxels.DType.DispatchInteger(new Relabel(run, supervoxels, ids, dense), "multicut's supervoxels");
        Step("relabel");
        return new MulticutSegmentationResult(problem.NodeCount, problem.EdgeCount, [.. levels], dense.Length == 0 ? 0 : dense.Max() + 1, problem.Energy(dense), [.. steps]);
    }

    /// <inheritdoc />
    public override string Describe(MulticutSegmentationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string levels = string.Concat(result.Levels.Select((l, i) => $", level {i + 1}: {l.Nodes} nodes {l.Edges} edges"));
        string times = string.Join(", ", result.Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Step} {s.Seconds:F2} s")));
        return string.Create(CultureInfo.InvariantCulture, $"{result.Supervoxels} supervoxels, {result.Edges} edges{levels}; {result.Segments} segments, energy {result.Energy:G6}\n{times}");
    }

    /// <summary>The solver of the given name.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    internal static MulticutSolver CreateSolver(string name) => name switch
    {
        "kl" => new KernighanLin(),
        "gaec" => new GreedyAdditiveEdgeContraction(),
        "greedy-fixation" => new GreedyFixation(),
        _ => throw new ArgumentException($"--solver must be one of {string.Join(", ", SolverNames)}; got '{name}'.", nameof(name)),
    };

    /// <summary>Runs the supervoxel watershed into the second output, or into an array in the scratch folder.</summary>
    private static ISource Segment(OperationRun run, DistanceTransformWatershedOperation watershed)
    {
        var boundaries = run.Inputs[0];
        var blockShape = run.Options.BlockShape!;
        watershed.IdStride = blockShape.Zip(boundaries.Shape, Math.Min).Aggregate(1L, (product, extent) => checked(product * Math.Max(extent, 1)));
        var target = run.Outputs.Count > 1 ? run.Outputs[1] : ScratchArray(run, boundaries.Shape, blockShape);
        run.Blocks(watershed, [boundaries], [target]);
        return target;
    }

    /// <summary>The supervoxel array of the scratch folder (chunks = blocks), opened when a resumed run made it already.</summary>
    private static ISource ScratchArray(OperationRun run, IReadOnlyList<long> shape, IReadOnlyList<long> blockShape)
    {
        var target = new ArrayTarget(Path.Combine(run.Scratch, "supervoxels.zarr"))
        {
            Chunks = [.. blockShape.Zip(shape, (b, s) => (int)Math.Min(b, s))],
        };
        var (presence, array) = target.Probe();
        var layout = new ArrayLayout(shape, DType.UInt64);
        return presence == ArrayPresence.Array ? array! : target.Create(layout, target.Plan(layout), 1);
    }

    /// <summary>The graph pass: the sorted supervoxel ids, the problem over their dense numbers, and each block's dense nodes.</summary>
    private (ulong[] Ids, MulticutProblem Problem, int[][] BlockNodes) Graph(OperationRun run, ISource supervoxels, ISource boundaries)
    {
        var blocks = run.Reduce(new SupervoxelGraphStep(), [supervoxels, boundaries]);
        var ids = blocks.SelectMany(b => b.Value.Nodes).Order().Distinct().ToArray();
        var table = EdgeTable.Merge(blocks.Select(b => b.Value.Edges));
        var blockNodes = blocks.Select(b => b.Value.Nodes.Select(id => Array.BinarySearch(ids, id)).ToArray()).ToArray();
        var u = table.U.Select(id => Array.BinarySearch(ids, id)).ToArray();
        var v = table.V.Select(id => Array.BinarySearch(ids, id)).ToArray();
        var means = new double[table.EdgeCount];
        var sizes = new double[table.EdgeCount];
        var zEdges = new bool[table.EdgeCount];
        for (int e = 0; e < means.Length; e++)
        {
            (means[e], sizes[e], zEdges[e]) = (table.Sums![e] / table.Sizes[e], table.Sizes[e], table.DepthSizes[e] > 0);
            if (!(means[e] >= 0 && means[e] <= 1))
            {
                throw new DataConditionException($"multicut: BOUNDARIES must hold boundary probabilities in [0, 1]; the supervoxels {table.U[e]} and {table.V[e]} meet at a mean boundary value of {means[e].ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var costs = EdgeCosts.ComputeEdgeCosts<double>(means, sizes, zEdges, Beta, RegionAdjacency.Scheme(Weighting));
        return (ids, new MulticutProblem(ids.Length, u, v, costs), blockNodes);
    }

    /// <summary>One level: the sub-problem of every level block solved as an item of a distributed pass, then the contraction.</summary>
    private (MulticutProblem Reduced, int[] NodeMap) SolveLevel(OperationRun run, MulticutProblem problem, int[] nodeMap, Blocking blocking, int[][] blockNodes, int level)
    {
        var grid = blocking.GridShape.ToArray();
        var levelGrid = grid.Select(g => ((g - 1) >> level) + 1).ToArray();
        var levelBlocking = new Blocking(levelGrid, Enumerable.Repeat(1L, grid.Length).ToArray());
        var members = new List<int>[levelBlocking.BlockCount];
        for (long block = 0; block < blockNodes.Length; block++)
        {
            var position = blocking.GetGridPosition(block).Select(p => p >> level).ToArray();
            (members[levelBlocking.GetBlockId(position)] ??= []).AddRange(blockNodes[block].Select(node => nodeMap[node]));
        }

        string folder = Directory.CreateDirectory(Path.Combine(run.Scratch, $"level-{level + 1}")).FullName;
        var inner = new bool[problem.EdgeCount];
        var cut = new bool[problem.EdgeCount];
        var localIds = new int[problem.NodeCount];
        Array.Fill(localIds, -1);
        for (int item = 0; item < members.Length; item++)
        {
            var nodes = (members[item] ?? []).Distinct().Order().ToArray();
            var sub = ProblemReduction.Extract(problem, nodes, localIds);
            foreach (int edge in sub.EdgeIds)
            {
                inner[edge] = true;
            }

            foreach (int edge in sub.OuterEdges)
            {
                cut[edge] = true;
            }

            SubProblemStep.Write(folder, item, sub);
        }

        var results = run.Map(new SubProblemStep { Folder = folder, Solver = Solver }, members.Length);
        foreach (var result in results)
        {
            foreach (int edge in result.Value)
            {
                cut[edge] = true;
            }
        }

        var merge = new bool[problem.EdgeCount];
        for (int e = 0; e < merge.Length; e++)
        {
            merge[e] = inner[e] && !cut[e];
        }

        return ProblemReduction.Contract(problem, merge);
    }

    /// <summary>The relabel pass: supervoxel id → 1 + segment, written to the first output.</summary>
    private sealed class Relabel(OperationRun run, ISource supervoxels, ulong[] ids, int[] labels) : IIntegerDTypeFunc<bool>
    {
        public bool Invoke<TIn>()
            where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn> =>
            run.Outputs[0].DType.DispatchInteger(new Typed<TIn>(run, supervoxels, ids, labels), "multicut's output");

        private sealed class Typed<TIn>(OperationRun run, ISource supervoxels, ulong[] ids, int[] labels) : IIntegerDTypeFunc<bool>
            where TIn : unmanaged, IBinaryInteger<TIn>
        {
            public bool Invoke<TOut>()
                where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
            {
                var keys = ids.Select(TIn.CreateTruncating).ToArray();
                TOut[] values;
                try
                {
                    values = labels.Select(label => TOut.CreateChecked(label + 1L)).ToArray();
                }
                catch (OverflowException)
                {
                    throw new DataConditionException($"{labels.Max() + 1} segments do not fit the output's dtype {run.Outputs[0].DType.NumpyName()}.");
                }

                Relabeling.Apply(run, supervoxels, keys, values);
                return true;
            }
        }
    }
}

/// <summary>The result of <see cref="MulticutSegmentation"/>.</summary>
/// <param name="Supervoxels">Distinct supervoxel ids (graph nodes).</param>
/// <param name="Edges">Edges of the supervoxel graph.</param>
/// <param name="Levels">Nodes and edges of the reduced problem after each level.</param>
/// <param name="Segments">Segments written (labels 1 … Segments).</param>
/// <param name="Energy">Multicut energy of the segmentation on the supervoxel graph (Σ costs of cut edges).</param>
/// <param name="Steps">Wall time of each step.</param>
public sealed record MulticutSegmentationResult(int Supervoxels, int Edges, LevelSize[] Levels, int Segments, double Energy, StepTime[] Steps);

/// <summary>The size of a reduced problem.</summary>
/// <param name="Nodes">Nodes.</param>
/// <param name="Edges">Edges.</param>
public sealed record LevelSize(int Nodes, int Edges);

/// <summary>The wall time of one step of a workflow.</summary>
/// <param name="Step">Its name.</param>
/// <param name="Seconds">Seconds.</param>
public sealed record StepTime(string Step, double Seconds);

/// <summary>
/// Graph step of <see cref="MulticutSegmentation"/>: the block's sorted supervoxel ids and the <see cref="EdgeTable"/> of
/// the face pairs it owns over the boundary map (<see cref="RagStep"/>: its voxels and their forward neighbours, read
/// through a one-voxel upper halo clipped at the volume's end).
/// </summary>
public sealed class SupervoxelGraphStep : ReduceOperation<SupervoxelBlockGraph>
{
    /// <inheritdoc />
    public override SupervoxelBlockGraph Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var edges = new RagStep().Run(block);
        return new SupervoxelBlockGraph(block.Inputs[0].DType.DispatchInteger(new Nodes(block), "multicut's supervoxels"), edges);
    }

    private sealed class Nodes(BlockContext block) : IIntegerDTypeFunc<ulong[]>
    {
        public ulong[] Invoke<TLabel>()
            where TLabel : unmanaged, IBinaryInteger<TLabel>, IMinMaxValue<TLabel>
        {
            using var labels = BlockData.Read<TLabel>(block.Inputs[0], block.Block.Inner);
            return [.. Unique.Values<TLabel>(BlockData.Folded(labels).Span).Select(ulong.CreateTruncating)];
        }
    }
}

/// <summary>One block's supervoxel ids and edge table (see <see cref="SupervoxelGraphStep"/>), as it travels between processes.</summary>
/// <param name="Nodes">Sorted distinct supervoxel ids of the block's voxels.</param>
/// <param name="Edges">The edges of the face pairs the block owns, with their boundary sums.</param>
public sealed record SupervoxelBlockGraph(ulong[] Nodes, EdgeTable Edges);

/// <summary>
/// Sub-problem step of <see cref="MulticutSegmentation"/>: item i reads sub-problem i of <see cref="Folder"/> (local
/// edges and costs and their ids in the level's problem, as .npy files), solves it and returns the ids of the edges
/// it cuts.
/// </summary>
public sealed class SubProblemStep : MapOperation<int[]>
{
    /// <summary>The level's folder of sub-problems.</summary>
    public string Folder { get; set; } = string.Empty;

    /// <summary>The solver's name.</summary>
    public string Solver { get; set; } = "kl";

    /// <summary>Writes sub-problem <paramref name="item"/> to <paramref name="folder"/>.</summary>
    public static void Write(string folder, int item, SubProblem sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        var problem = sub.Problem;
        int count = problem.EdgeCount;
        var edges = new int[(2 * count) + 1];
        edges[0] = problem.NodeCount;
        for (int e = 0; e < count; e++)
        {
            (edges[1 + (2 * e)], edges[2 + (2 * e)]) = (problem.U[e], problem.V[e]);
        }

        string prefix = Path.Combine(folder, item.ToString(CultureInfo.InvariantCulture));
        NpyFile.Write(prefix + ".edges.npy", NdArray<int>.Wrap(edges, [edges.Length]));
        NpyFile.Write(prefix + ".ids.npy", NdArray<int>.Wrap(sub.EdgeIds, [count]));
        NpyFile.Write(prefix + ".costs.npy", NdArray<double>.Wrap(problem.Costs.ToArray(), [count]));
    }

    /// <inheritdoc />
    public override int[] Run(long itemId)
    {
        string prefix = Path.Combine(Folder, itemId.ToString(CultureInfo.InvariantCulture));
        using var edges = NpyFile.Read<int>(prefix + ".edges.npy");
        using var ids = NpyFile.Read<int>(prefix + ".ids.npy");
        using var costs = NpyFile.Read<double>(prefix + ".costs.npy");
        var pairs = edges.Span;
        int count = ids.Length;
        var u = new int[count];
        var v = new int[count];
        for (int e = 0; e < count; e++)
        {
            (u[e], v[e]) = (pairs[1 + (2 * e)], pairs[2 + (2 * e)]);
        }

        var problem = new MulticutProblem(pairs[0], u, v, costs.Span);
        var labels = MulticutSegmentation.CreateSolver(Solver).Solve(problem);
        var cut = new List<int>();
        for (int e = 0; e < count; e++)
        {
            if (labels[u[e]] != labels[v[e]])
            {
                cut.Add(ids.Span[e]);
            }
        }

        return [.. cut];
    }
}
