using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Kernels.Graphs;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Operations;

/// <summary>
/// <c>rag</c>: the region adjacency graph of a 2D or 3D label volume (bioimage-cpp's convention, analysis §3.1: nodes
/// 0 … max label, one edge per pair of labels touching across a face, sorted, with sizes), optionally with edge
/// features over a boundary map (elf's mean and size, or its 12 columns) and multicut costs from the mean
/// (<see cref="EdgeCosts"/>). Every block accumulates the face pairs it owns — those to its forward neighbours, read
/// through a one-voxel upper halo — into an <see cref="EdgeTable"/> (memory ∝ its edges, plus one double per face pair
/// for <c>--features all</c>); the calling process merges them exactly (<see cref="EdgeTable.Merge"/>), so the graph,
/// sizes, extremes and quantiles are the same for any block shape, backend and worker count (a block-wise mean may
/// differ from a whole-volume one in the last bit: sums add in another order).
/// </summary>
public sealed class RegionAdjacency : Operation<RagResult>
{
    /// <summary>Which features to compute over the boundary map: "mean" (mean, size) or "all" (elf's 12 columns).</summary>
    public string Features { get; set; } = "mean";

    /// <summary>Also compute multicut costs from the mean feature (needs a boundary map).</summary>
    public bool Costs { get; set; }

    /// <summary>Boundary bias of the costs, in (0, 1).</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Cost weighting by edge size: none, all, xyz or z (z edges: edges with a face pair along axis 0).</summary>
    public string Weighting { get; set; } = "none";

    /// <summary>Exponent of the size weighting.</summary>
    public double WeightingExponent { get; set; } = 1.0;

    /// <summary>Write the graph as a numpy .npz to this path; null writes none.</summary>
    public string? Npz { get; set; }

    /// <inheritdoc />
    public override string Name => "rag";

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <summary>The graph of <paramref name="labels"/> and, with <paramref name="boundaries"/>, its features (and costs when <paramref name="operation"/> asks for them).</summary>
    /// <exception cref="OperationRefusedException">The inputs or parameters do not fit.</exception>
    /// <exception cref="RunnerException">A block failed, e.g. on a negative label (its <see cref="DataConditionException"/> inside).</exception>
    /// <exception cref="DataConditionException">Costs were asked for and an edge's mean boundary value lies outside [0, 1].</exception>
    public static RagResult Compute(ISource labels, ISource? boundaries, RunOptions options, RegionAdjacency? operation = null) =>
        Executor.Compute(operation ?? new RegionAdjacency(), boundaries is null ? [labels] : [labels, boundaries], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        VerbInputs.Require(inputs, inputs.Count is 1 or 2 ? inputs.Count : 2, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        if (inputs[0].Shape.Count is not (2 or 3))
        {
            throw new ArgumentException($"rag needs a 2D or 3D label volume; got {inputs[0].Shape.Count} axes.", nameof(inputs));
        }

        _ = FeatureSet(Features);
        _ = Scheme(Weighting);
        if (Costs && inputs.Count < 2)
        {
            throw new ArgumentException("--costs needs --boundaries (the costs come from the mean boundary value of each edge).", nameof(inputs));
        }

        if (!(Beta > 0 && Beta < 1))
        {
            throw new ArgumentException($"--beta must lie strictly between 0 and 1; got {Beta.ToString(CultureInfo.InvariantCulture)}.", nameof(inputs));
        }

        if (!double.IsFinite(WeightingExponent))
        {
            throw new ArgumentException($"--weighting-exponent must be a finite number; got {WeightingExponent.ToString(CultureInfo.InvariantCulture)}.", nameof(inputs));
        }

        ObjectTables.RequireWritableFolder(Npz, "OUT");
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override RagResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        bool withMap = run.Inputs.Count == 2;
        var set = FeatureSet(Features);
        var blocks = run.Reduce(new RagStep { KeepValues = withMap && set == EdgeFeatureSet.All }, run.Inputs);
        var table = EdgeTable.Merge(blocks.Select(block => block.Value));
        var names = withMap ? EdgeFeatures.Names(set).ToArray() : [];
        var features = withMap ? EdgeFeatures.Compute(table, set) : [];
        double[]? costs = null;
        if (Costs)
        {
            var means = Enumerable.Range(0, table.EdgeCount).Select(e => features[e * names.Length]).ToArray();
            int outside = Array.FindIndex(means, mean => !(mean >= 0 && mean <= 1));
            if (outside >= 0)
            {
                throw new DataConditionException(string.Create(CultureInfo.InvariantCulture, $"--costs needs boundary probabilities in [0, 1]; edge ({table.U[outside]}, {table.V[outside]}) has the mean {means[outside]:R}."));
            }

            var zEdges = table.DepthSizes.Select(size => size > 0).ToArray();
            costs = EdgeCosts.ComputeEdgeCosts<double>(means, [.. table.Sizes.Select(size => (double)size)], zEdges, Beta, Scheme(Weighting), WeightingExponent);
        }

        var result = new RagResult(table.NodeCount, table.U, table.V, table.Sizes, names, features, costs);
        if (Npz is not null)
        {
            result.WriteNpz(Npz);
        }

        return result;
    }

    /// <inheritdoc />
    public override JsonObject Fields(RagResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fields = new JsonObject
        {
            ["nodeCount"] = result.NodeCount,
            ["edgeCount"] = result.EdgeCount,
            ["u"] = CoreJson.Node(result.U),
            ["v"] = CoreJson.Node(result.V),
            ["sizes"] = CoreJson.Node(result.Sizes),
        };
        if (result.FeatureNames.Length > 0)
        {
            fields["features"] = new JsonObject(result.FeatureNames.Select((name, f) => KeyValuePair.Create(name, CoreJson.Node(result.Column(f), OperationOutcome.Json))));
        }

        if (result.Costs is { } costs)
        {
            fields["costs"] = CoreJson.Node(costs, OperationOutcome.Json);
        }

        return fields;
    }

    /// <inheritdoc />
    public override string Describe(RagResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string features = result.FeatureNames.Length > 0 ? $", features {string.Join(',', result.FeatureNames)}" : string.Empty;
        string costs = result.Costs is null ? string.Empty : ", costs";
        string written = Npz is null ? string.Empty : $"\nwritten to {Npz}";
        return string.Create(CultureInfo.InvariantCulture, $"{result.NodeCount} nodes, {result.EdgeCount} edges{features}{costs}{written}");
    }

    private static EdgeFeatureSet FeatureSet(string features) => features.ToLowerInvariant() switch
    {
        "mean" => EdgeFeatureSet.Mean,
        "all" => EdgeFeatureSet.All,
        _ => throw new ArgumentException($"--features must be mean or all; got '{features}'.", nameof(features)),
    };

    internal static EdgeWeighting Scheme(string weighting) => weighting.ToLowerInvariant() switch
    {
        "none" => EdgeWeighting.None,
        "all" => EdgeWeighting.All,
        "xyz" => EdgeWeighting.Xyz,
        "z" => EdgeWeighting.Z,
        _ => throw new ArgumentException($"--weighting must be none, all, xyz or z; got '{weighting}'.", nameof(weighting)),
    };
}

/// <summary>The result of <see cref="RegionAdjacency"/>: the graph, its features (row-major, one row per edge) and costs.</summary>
/// <param name="NodeCount">Largest label plus one.</param>
/// <param name="U">Smaller node of each edge (edges sorted).</param>
/// <param name="V">Larger node of each edge.</param>
/// <param name="Sizes">Face pairs of each edge.</param>
/// <param name="FeatureNames">The feature columns (empty without a boundary map).</param>
/// <param name="Features">Edge e's feature f at [e·F + f].</param>
/// <param name="Costs">Multicut costs from the mean feature, or null.</param>
public sealed record RagResult(long NodeCount, ulong[] U, ulong[] V, long[] Sizes, string[] FeatureNames, double[] Features, double[]? Costs)
{
    /// <summary>The number of edges.</summary>
    public int EdgeCount => U.Length;

    /// <summary>Feature column <paramref name="feature"/> of every edge.</summary>
    public double[] Column(int feature) => [.. Enumerable.Range(0, EdgeCount).Select(e => Features[(e * FeatureNames.Length) + feature])];

    /// <summary>
    /// Writes the graph as an .npz that <c>np.load</c> reads: <c>node_count</c> (int64 scalar), <c>edges</c> (E, 2) uint64,
    /// <c>sizes</c> (E,) int64 and, with features, <c>features</c> (E, F) float64 and <c>feature_names</c> (F,) str, and
    /// with costs <c>costs</c> (E,) float64 — together with <c>edges</c> a multicut problem.
    /// </summary>
    public void WriteNpz(string path)
    {
        var edges = new ulong[2 * EdgeCount];
        for (int e = 0; e < EdgeCount; e++)
        {
            (edges[2 * e], edges[(2 * e) + 1]) = (U[e], V[e]);
        }

        var entries = new List<NpzEntry>
        {
            NpzEntry.Of("node_count", new[] { NodeCount }, []),
            NpzEntry.Of("edges", edges, [EdgeCount, 2]),
            NpzEntry.Of("sizes", Sizes),
        };
        if (FeatureNames.Length > 0)
        {
            entries.Add(NpzEntry.Of("features", Features, [EdgeCount, FeatureNames.Length]));
            entries.Add(NpzEntry.Strings("feature_names", FeatureNames));
        }

        if (Costs is not null)
        {
            entries.Add(NpzEntry.Of("costs", Costs));
        }

        NpzFile.Write(path, entries);
    }
}

/// <summary>
/// Block step of <see cref="RegionAdjacency"/>: the <see cref="EdgeTable"/> of the face pairs the block owns (its voxels
/// and their forward neighbours, read through a one-voxel upper halo clipped at the volume's end), over the boundary
/// map when there is a second input.
/// </summary>
public sealed class RagStep : ReduceOperation<EdgeTable>
{
    /// <summary>Keep every face-pair value (for the median, quantiles and std).</summary>
    public bool KeepValues { get; set; }

    /// <inheritdoc />
    public override EdgeTable Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var inner = block.Block.Inner;
        var shape = block.Inputs[0].Shape;
        var end = new long[inner.Rank];
        for (int axis = 0; axis < end.Length; axis++)
        {
            end[axis] = Math.Min(inner.End[axis] + 1, shape[axis]);
        }

        var region = new Region(inner.Begin, end);
        var extent = inner.GetShapeAsInt32();
        var owned = extent.Length == 3 ? new Index3(extent[0], extent[1], extent[2]) : new Index3(1, extent[0], extent[1]);
        try
        {
            return block.Inputs[0].DType.DispatchInteger(new Labels(block, region, owned, KeepValues), "rag's labels");
        }
        catch (ArgumentException error) when (error.ParamName == "labels")
        {
            throw new DataConditionException($"rag: {error.Message}", error);
        }
    }

    private sealed class Labels(BlockContext block, Region region, Index3 owned, bool keepValues) : IIntegerDTypeFunc<EdgeTable>
    {
        public EdgeTable Invoke<TLabel>()
            where TLabel : unmanaged, IBinaryInteger<TLabel>, IMinMaxValue<TLabel>
        {
            using var labels = BlockData.Read<TLabel>(block.Inputs[0], region);
            var view = BlockData.Folded(labels).Span;
            return block.Inputs.Count == 1
                ? EdgeAccumulation.Accumulate<TLabel>(view, owned)
                : block.Inputs[1].DType.Dispatch(new Boundaries<TLabel>(block, region, owned, keepValues, labels));
        }
    }

    private sealed class Boundaries<TLabel>(BlockContext block, Region region, Index3 owned, bool keepValues, NdArray<TLabel> labels) : IDTypeFunc<EdgeTable>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        public EdgeTable Invoke<TMap>()
            where TMap : unmanaged, INumber<TMap>
        {
            using var map = BlockData.Read<TMap>(block.Inputs[1], region);
            return EdgeAccumulation.Accumulate<TLabel, TMap>(BlockData.Folded(labels).Span, BlockData.Folded(map).Span, owned, keepValues);
        }
    }
}
