using System.Globalization;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Sources;
using BioImage.Storage.Metadata;

namespace BioImage.Operations;

/// <summary>
/// <c>stitch-segmentation</c>, bioimage-py's <c>stitch_segmentation</c>: the user's <see cref="TileSegmenter"/>
/// segments every tile with a halo of <see cref="Overlap"/>, and a multicut over how strongly the tiles' objects
/// overlap in the halo bands merges them into one segmentation.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>segment</b> (<see cref="SegmentTilesStep"/>, one block per tile with the overlap as halo): labels offset by
/// tile id · Π(tile + 2·overlap), the haloed tile kept in the run's scratch space (<see cref="TileStore"/>; kept with a
/// failed run for its resume).</item>
/// <item>in process: the dense map 0 → 0, the sorted offset labels of all haloed tiles → 1 … K.</item>
/// <item><b>overlaps</b> (<see cref="TileBandsStep"/>, one block per tile): the pre-stitch volume (the tiles' own
/// regions in dense labels, a scratch array) and the overlap rows of the halo bands, normalised by the upper tile's
/// objects.</item>
/// <item><b>graph</b> and the multicut as in <see cref="StitchTiles"/>, over the pre-stitch volume.</item>
/// <item><b>relabel</b>: the output (uint64) is the node label of each voxel, renumbered as
/// <c>relabel_sequential(offset=1)</c> does over the labels present (0 stays 0; without a background every label
/// is raised by 1 first, so none is 0).</item>
/// </list>
/// The output is written once, by the last pass (upstream writes the pre-stitch labels into it and relabels them in
/// place, which a resumed run could not repeat). Input channels are not supported (2D or 3D inputs only).
/// </remarks>
public sealed class StitchSegmentation : StitchingOperation
{
    /// <summary>The segmenter's class library (absolute path).</summary>
    public string Assembly { get; set; } = string.Empty;

    /// <summary>The segmenter's full type name as reflection spells it.</summary>
    public string Segmenter { get; set; } = string.Empty;

    /// <summary>The segmenter's public properties as JSON (what travels to the workers).</summary>
    public JsonObject Parameters { get; set; } = [];

    /// <summary>The halo of every tile, one value for all axes or one per axis (each ≥ 0).</summary>
    public long[] Overlap { get; set; } = [0];

    /// <inheritdoc />
    public override string Name => "stitch-segmentation";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => ["segment", "overlaps", "graph", "relabel"];

    /// <summary>The operation for a segmenter object: its library, its type name and its properties.</summary>
    /// <exception cref="ArgumentException">The segmenter's type lives in no assembly file (a dynamic or in-memory assembly).</exception>
    public static StitchSegmentation Of(TileSegmenter segmenter, long[] tileShape, long[] overlap, double beta = 0.5, bool withBackground = true)
    {
        var (assembly, type, parameters) = UserTypes.Describe(segmenter, "segmenter");
        return new StitchSegmentation { Assembly = assembly, Segmenter = type, Parameters = parameters, TileShape = tileShape, Overlap = overlap, Beta = beta, WithBackground = withBackground };
    }

    /// <summary>
    /// Loads the class library at <paramref name="assemblyPath"/> and finds the segmenter named <paramref name="name"/>,
    /// or, when <paramref name="name"/> is null, the library's only one.
    /// </summary>
    /// <exception cref="ArgumentException">The library or the class do not fit (the message names --assembly or --segmenter).</exception>
    public static Type FindSegmenter(string assemblyPath, string? name) =>
        UserTypes.Find(typeof(TileSegmenter), assemblyPath, name, "--segmenter", "segmenter");

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        var input = inputs[0];
        ValidateTiling(input);
        var overlap = Halo(input.Shape.Count);
        var tiles = new Blocking([.. input.Shape], TileShape);
        var factor = OffsetFactor(overlap);
        if ((UInt128)tiles.BlockCount * factor >= ulong.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--tile-shape: {tiles.BlockCount} tiles · {factor} labels per haloed tile overflow uint64 label ids; use larger tiles or a smaller overlap."), nameof(inputs));
        }

        _ = UserTypes.Create<TileSegmenter>(Assembly, Segmenter, Parameters, "--segmenter", "segmenter");
    }

    /// <inheritdoc />
    public override StitchResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var input = run.Inputs[0];
        long[] shape = [.. input.Shape];
        var overlap = Halo(shape.Length);
        string store = Path.Combine(run.Scratch, "tiles");
        var segment = new SegmentTilesStep
        {
            Assembly = Assembly,
            Segmenter = Segmenter,
            Parameters = Parameters,
            Overlap = overlap,
            OffsetFactor = (ulong)OffsetFactor(overlap),
            WithBackground = WithBackground,
            Tiles = store,
        };
        var tiles = run.Reduce(segment, [input], [], TileOptions(run)).Select(r => r.Value).ToList();
        ulong[] keys = [0, .. tiles.SelectMany(t => t.Labels).Where(l => l != 0).Distinct().Order()];
        ulong[] present = [.. tiles.SelectMany(t => t.Inner).Distinct()];

        var preStitch = PreStitch(run, shape);
        using var bands = new TileBandsStep { TileShape = TileShape, Overlap = overlap, Tiles = store };
        bands.SetKeys(keys);
        if (run.Options.JobType != Runners.JobType.Local)
        {
            bands.Save(Path.Combine(run.Scratch, "dense"));
        }

        var rows = OverlapRows.Concat(run.Reduce(bands, [], [preStitch], TileOptions(run)).Select(r => r.Value));
        int[] presentNodes = [.. present.Select(label => Array.BinarySearch(keys, label))];
        return Stitch<ulong>(run, preStitch, rows, tiles.Count, (labels, nodeCount) => Sequential(labels, nodeCount, presentNodes, WithBackground));
    }

    /// <summary>
    /// The output label of every node: its node label (+1 without a background), renumbered over the labels of the nodes
    /// present in the volume as <c>relabel_sequential(offset=1)</c> does — ascending values become 1, 2, …, and 0 stays 0.
    /// </summary>
    private static ulong[] Sequential(int[]? labels, long nodeCount, int[] presentNodes, bool withBackground)
    {
        var stitched = new ulong[nodeCount];
        for (int node = 0; node < stitched.Length; node++)
        {
            stitched[node] = (labels is null ? (ulong)node : (ulong)labels[node]) + (withBackground ? 0UL : 1UL);
        }

        ulong[] values = [.. presentNodes.Select(node => stitched[node]).Where(value => value != 0).Distinct().Order()];
        var output = new ulong[nodeCount];
        for (int node = 0; node < output.Length; node++)
        {
            int rank = Array.BinarySearch(values, stitched[node]);
            output[node] = rank >= 0 ? (ulong)rank + 1 : 0;
        }

        return output;
    }

    /// <summary>The overlap as one value per axis.</summary>
    private long[] Halo(int rank) => BlockData.PerAxis(Overlap, rank, "--overlap");

    /// <summary>Π(tile + 2·overlap): the label range each tile's labels are offset by.</summary>
    private UInt128 OffsetFactor(long[] overlap)
    {
        UInt128 factor = 1;
        for (int axis = 0; axis < overlap.Length; axis++)
        {
            factor *= (UInt128)(TileShape[axis] + (2 * overlap[axis]));
        }

        return factor;
    }

    /// <summary>The pre-stitch volume in the run's scratch space: created, or opened as a failed run left it.</summary>
    private ISource PreStitch(OperationRun run, long[] shape)
    {
        string path = Path.Combine(run.Scratch, "pre-stitch.zarr");
        if (Directory.Exists(path))
        {
            return Source.Open(path, null, "r+");
        }

        return ChunkedSource.Create(path, null, new ArrayOptions
        {
            Shape = shape,
            DType = DType.UInt64,
            Chunks = [.. TileShape.Select((tile, axis) => (int)Math.Min(tile, Math.Max(shape[axis], 1)))],
        });
    }
}
