using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Kernels.Graphs;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// What bioimage-py's two stitching functions share: the tiling (blocks of <see cref="TileShape"/> for the passes
/// that visit tiles; the run's block shape for the others), β and the background flag, and the end of the run — the
/// graph of the pre-stitch labels built block-wise (<see cref="StitchGraphStep"/>), the multicut over the overlap
/// costs in the calling process (<see cref="OverlapMulticut"/>), and one relabel pass that writes the output.
/// </summary>
public abstract class StitchingOperation : Operation<StitchResult>
{
    /// <summary>The tile shape, one extent per axis.</summary>
    public long[] TileShape { get; set; } = [];

    /// <summary>The boundary bias β in (0, 1): above 0.5 favours cuts (more objects), below favours merges.</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Label 0 is background: never offset, and its edges get the disaffinity 0.99.</summary>
    public bool WithBackground { get; set; } = true;

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <summary>The output: uint64 labels of the input's shape, chunked as the input.</summary>
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [new ArrayLayout(inputs[0].Shape, DType.UInt64, inputs[0].Chunks)];
    }

    /// <inheritdoc />
    public override JsonObject Fields(StitchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["tileShape"] = new JsonArray([.. TileShape.Select(e => (JsonNode)e)]),
            ["tiles"] = result.Tiles,
            ["overlapRows"] = result.OverlapRows,
            ["edges"] = result.Edges,
            ["labels"] = result.Labels,
        };
    }

    /// <inheritdoc />
    public override string Describe(StitchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"{result.Tiles} tiles, {result.OverlapRows} overlap rows, {result.Edges} edges, {result.Labels} labels");
    }

    /// <summary>Checks the input's rank, the tile shape and β.</summary>
    /// <exception cref="ArgumentException">One of them does not fit (the message names the option).</exception>
    protected void ValidateTiling(ISource input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rank = input.Shape.Count;
        if (rank is < 2 or > 3)
        {
            throw new ArgumentException($"{Name} stitches 2D or 3D labels (the region adjacency graph's faces); the input has {rank} axes.", nameof(input));
        }

        if (TileShape.Length != rank || TileShape.Any(e => e < 1))
        {
            throw new ArgumentException($"--tile-shape must give {rank} positive extents for the {rank}D input; got ({string.Join(", ", TileShape)}).", nameof(input));
        }

        if (!(Beta > 0 && Beta < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--beta must be in (0, 1), exclusive (ln((1 − β)/β) is the cost bias); got {Beta}."), nameof(input));
        }
    }

    /// <summary>The run's options with blocks of one tile each.</summary>
    protected RunOptions TileOptions(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Options with { BlockShape = TileShape };
    }

    /// <summary>
    /// The graph pass over <paramref name="labels"/>, the multicut, and the relabel pass from <paramref name="labels"/>
    /// to the output, each node's label given by <paramref name="finalLabels"/> (node labels, or null when the graph had
    /// nothing to solve).
    /// </summary>
    protected StitchResult Stitch<TLabel>(OperationRun run, ISource labels, OverlapRows rows, long tiles, Func<int[]?, long, ulong[]> finalLabels)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(finalLabels);
        var graph = BlockEdges.Merge(run.Reduce(new StitchGraphStep(), [labels]).Select(r => r.Value));
        if (graph.NodeCount > int.MaxValue)
        {
            throw new DataConditionException($"{Name} numbers the graph's nodes 0 … the largest label ({graph.NodeCount - 1}), more than a multicut can hold ({int.MaxValue}); number the labels consecutively first (bioimage relabel-consecutive).");
        }

        var nodeLabels = OverlapMulticut.Solve(graph, rows, WithBackground, Beta);
        var values = finalLabels(nodeLabels, graph.NodeCount);
        var keys = new TLabel[values.Length];
        for (int node = 0; node < keys.Length; node++)
        {
            keys[node] = TLabel.CreateTruncating(node);
        }

        Relabeling.Apply(run, labels, keys, values);
        long count = nodeLabels is null ? graph.NodeCount : nodeLabels.Length == 0 ? 0 : nodeLabels.Max() + 1L;
        return new StitchResult(tiles, rows.Length, graph.EdgeCount, count);
    }
}

/// <summary>The result of a stitching operation.</summary>
/// <param name="Tiles">The number of tiles.</param>
/// <param name="OverlapRows">The overlap rows measured between neighbouring tiles.</param>
/// <param name="Edges">The edges of the pre-stitch labels' region adjacency graph.</param>
/// <param name="Labels">The number of clusters the multicut made of the graph's nodes (its node count when it had nothing to solve).</param>
public sealed record StitchResult(long Tiles, int OverlapRows, int Edges, long Labels);
