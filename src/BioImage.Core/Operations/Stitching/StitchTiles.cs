using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>stitch-tiles</c>, bioimage-py's <c>stitch_tiled_segmentation</c>: a segmentation made tile by tile, its labels
/// unique across tiles, is merged across the tile faces by a multicut over how strongly objects overlap there.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>overlaps</b> (<see cref="TileFacesStep"/>, one block per tile): the rows (this tile's label, the lower
/// neighbour's, fraction) of the slabs <see cref="Overlap"/> thick on both sides of each lower tile face.</item>
/// <item><b>graph</b> (<see cref="StitchGraphStep"/>, blocks of the run's block shape): the region adjacency graph of the
/// input — nodes 0 … its largest label, so sparse labels cost memory as upstream.</item>
/// <item>in process, <see cref="OverlapMulticut"/>: disaffinities, costs with β, the multicut.</item>
/// <item><b>relabel</b>: the output (uint64) is the node label of each voxel's label — no consecutive renumbering, as
/// upstream; the input as it is when the graph has no edge.</item>
/// </list>
/// Unlike upstream an overlap larger than a tile extent is refused (numpy would read the slab below a first-row tile
/// from the far end of the volume). Labels are compared as exact 64-bit integers (upstream passes them through float64).
/// </remarks>
public sealed class StitchTiles : StitchingOperation
{
    /// <summary>The slab thickness on each side of a tile face (≥ 1, at most the tile extent on every axis).</summary>
    public long Overlap { get; set; } = 1;

    /// <inheritdoc />
    public override string Name => "stitch-tiles";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ["overlaps", "graph", "relabel"];

    /// <summary>Stitches <paramref name="segmentation"/> into <paramref name="output"/> (uint64, same shape).</summary>
    public static StitchResult Run(ISource segmentation, ISource output, long[] tileShape, RunOptions options, long overlap = 1, double beta = 0.5, bool withBackground = true) =>
        Executor.Compute(new StitchTiles { TileShape = tileShape, Overlap = overlap, Beta = beta, WithBackground = withBackground }, [segmentation], [output], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        ValidateTiling(inputs[0]);
        if (Overlap < 1 || Overlap > TileShape.Min())
        {
            throw new ArgumentException($"--overlap must be from 1 to the smallest tile extent ({TileShape.Min()}): the slabs on both sides of a face stay inside the two tiles; got {Overlap}.", nameof(inputs));
        }
    }

    /// <inheritdoc />
    public override StitchResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var input = run.Inputs[0];
        long tiles = new Blocking([.. input.Shape], TileShape).BlockCount;
        var rows = OverlapRows.Concat(run.Reduce(new TileFacesStep { Overlap = Overlap }, [input], [], TileOptions(run)).Select(r => r.Value));
        return input.DType.DispatchInteger(new Typed(this, run, rows, tiles), "stitch-tiles' input");
    }

    private sealed class Typed(StitchTiles operation, OperationRun run, OverlapRows rows, long tiles) : IIntegerDTypeFunc<StitchResult>
    {
        public StitchResult Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
            operation.Stitch<T>(run, run.Inputs[0], rows, tiles, NodeLabels);

        /// <summary>The multicut's node labels as the output's values (each node itself when there was nothing to solve).</summary>
        private static ulong[] NodeLabels(int[]? labels, long nodeCount)
        {
            var values = new ulong[nodeCount];
            for (int node = 0; node < values.Length; node++)
            {
                values[node] = labels is null ? (ulong)node : (ulong)labels[node];
            }

            return values;
        }
    }
}
