using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Operations;

/// <summary>
/// Pass 2 of <see cref="StitchSegmentation"/>, one block per tile — bioimage-py's stages "stitch-densify" and
/// "stitch-overlaps" in one visit of the tile's stored labels:
/// <list type="number">
/// <item>writes the tile's own region of the pre-stitch volume: its stored offset labels mapped to the dense labels
/// (0 → 0, the sorted offset labels of all haloed tiles → 1 … K);</item>
/// <item>for each axis with a lower neighbour tile, compares the band both tiles segmented: along the axis from this
/// tile's outer begin, max(0, begin − overlap), to its begin + overlap; on the other axes this tile's outer extent. Both
/// tiles' slots are read at those voxels (<see cref="TileStore.Band"/>; a band whose two reads differ in shape is
/// skipped) and give <see cref="OverlapRows"/> (this tile's label, the neighbour's, the fraction of this tile's object
/// in the band), label 0 included, in dense labels.</item>
/// </list>
/// </summary>
/// <remarks>The dense map's keys travel as <c>keys.npy</c> in <see cref="MappingFolder"/> (worker processes) or in memory (local runs).</remarks>
public sealed class TileBandsStep : ReduceOperation<OverlapRows>, IDisposable
{
    private const string KeysFile = "keys.npy";
    private readonly Lock _gate = new();
    private LabelMap<ulong, ulong>? _map;
    private ulong[]? _keys;

    /// <summary>The tile shape.</summary>
    public long[] TileShape { get; set; } = [];

    /// <summary>The tile overlap, one value per axis.</summary>
    public long[] Overlap { get; set; } = [];

    /// <summary>The folder of the <see cref="TileStore"/>.</summary>
    public string Tiles { get; set; } = string.Empty;

    /// <summary>Folder holding the dense map's sorted keys as <c>keys.npy</c> (key i becomes label i), for worker processes.</summary>
    public string? MappingFolder { get; set; }

    /// <summary>Sets the dense map: the sorted keys (0 first); key i becomes label i.</summary>
    public void SetKeys(ulong[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Dispose();
        _keys = keys;
    }

    /// <summary>Writes the keys to <paramref name="folder"/> and points <see cref="MappingFolder"/> at it.</summary>
    public void Save(string folder)
    {
        var keys = _keys ?? throw new InvalidOperationException("Set the keys before saving them.");
        Directory.CreateDirectory(folder);
        NpyFile.Write(Path.Combine(folder, KeysFile), NdArray<ulong>.Wrap(keys, [keys.Length]));
        MappingFolder = folder;
    }

    /// <inheritdoc />
    public override OverlapRows Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var map = Map();
        var blocking = new Blocking(block.Outputs[0].Shape.ToArray(), TileShape);
        long id = block.Block.BlockId;
        var own = blocking.GetBlockWithHalo(id, Overlap);
        var slot = BlockData.Pad([.. TileShape.Zip(Overlap, (tile, overlap) => tile + (2 * overlap))], fill: 1);
        using var tile = TileStore.Load(Tiles, id, own.Outer);

        var local = BlockData.Pad(own.InnerLocal.Begin);
        var extent = BlockData.Pad(own.InnerLocal.Shape, fill: 1);
        using (var dense = NdArray<ulong>.Allocate(own.Inner.GetShapeAsInt32(), clear: false))
        {
            map.Apply(tile.AsSpan3D().Slice(local.Z, local.Y, local.X, extent.Z, extent.Y, extent.X), BlockData.Folded(dense).Span);
            BlockData.Write(block.Outputs[0], own.Inner, dense);
        }

        var grid = blocking.GetGridPosition(id);
        var rows = new List<OverlapRows>();
        for (int axis = 0; axis < blocking.Rank; axis++)
        {
            if (grid[axis] == 0)
            {
                continue;
            }

            grid[axis]--;
            long neighbourId = blocking.GetBlockId(grid);
            grid[axis]++;
            var neighbour = blocking.GetBlockWithHalo(neighbourId, Overlap);
            long[] begin = [.. own.Outer.Begin], end = [.. own.Outer.End];
            end[axis] = own.Inner.Begin[axis] + Overlap[axis];
            using var other = TileStore.Load(Tiles, neighbourId, neighbour.Outer);
            using var mine = TileStore.Band(tile, slot, Local(begin, own.Outer, fill: 0), Local(end, own.Outer, fill: 1));
            using var theirs = TileStore.Band(other, slot, Local(begin, neighbour.Outer, fill: 0), Local(end, neighbour.Outer, fill: 1));
            if (mine.Shape.SequenceEqual(theirs.Shape))
            {
                var found = OverlapRows.Of<ulong, ulong>(mine.Span, theirs.Span);
                rows.Add(new OverlapRows(Dense(map, found.A), Dense(map, found.B), found.Fractions));
            }
        }

        return OverlapRows.Concat(rows);
    }

    /// <summary>Returns the prepared map's pooled memory.</summary>
    public void Dispose()
    {
        _map?.Dispose();
        _map = null;
    }

    /// <summary>Global positions relative to a region's first corner, padded to 3D with <paramref name="fill"/> (0 for a begin, 1 for an end).</summary>
    private static Index3 Local(long[] position, Region origin, int fill) => BlockData.Pad([.. position.Select((p, axis) => p - origin.Begin[axis])], fill);

    private static ulong[] Dense(LabelMap<ulong, ulong> map, ulong[] labels)
    {
        var dense = new ulong[labels.Length];
        map.Apply(new ReadOnlySpan3D<ulong>(labels, 1, 1, labels.Length), new Span3D<ulong>(dense, 1, 1, dense.Length));
        return dense;
    }

    private LabelMap<ulong, ulong> Map()
    {
        if (Volatile.Read(ref _map) is { } prepared)
        {
            return prepared;
        }

        lock (_gate)
        {
            if (_map is null)
            {
                if (_keys is null)
                {
                    string folder = MappingFolder ?? throw new InvalidOperationException("TileBandsStep has no dense map: call SetKeys (local runs) or set MappingFolder.");
                    using var stored = NpyFile.Read<ulong>(Path.Combine(folder, KeysFile));
                    _keys = stored.ToArray();
                }

                var labels = new ulong[_keys.Length];
                for (int i = 0; i < labels.Length; i++)
                {
                    labels[i] = (ulong)i;
                }

                _map = new LabelMap<ulong, ulong>(_keys, labels);
            }

            return _map;
        }
    }
}
