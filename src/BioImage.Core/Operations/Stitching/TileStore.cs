using System.Globalization;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Sources;
using BioImage.Storage.Codecs;
using BioImage.Storage.Stores;

namespace BioImage.Operations;

/// <summary>
/// The haloed tiles of <see cref="StitchSegmentation"/> between its passes — bioimage-py's per-tile store
/// (<c>tiles.zarr</c>, shape <c>(n_tiles, *(tile + 2·overlap))</c>): slot b holds tile b's offset labels over its
/// outer region (the tile grown by the overlap, clamped to the volume) in its leading corner, and 0 in the rest of the
/// slot. Each slot is one zstd-compressed object in a folder of the run's scratch space (kept with a failed run for
/// its resume), written once by the tile's segmentation step and read by its own and its upper neighbours' band steps.
/// </summary>
internal static class TileStore
{
    /// <summary>Stores tile <paramref name="tileId"/>'s labels (its outer region, C order).</summary>
    public static void Save(string folder, long tileId, ReadOnlySpan<ulong> labels)
    {
        var bytes = MemoryMarshal.AsBytes(labels);
        var compressed = new byte[Zstd.CompressBound(bytes.Length)];
        new FileSystemStore(folder).Set(Key(tileId), compressed.AsSpan(0, Zstd.Compress(bytes, compressed, level: 1, checksum: false)));
    }

    /// <summary>Tile <paramref name="tileId"/>'s labels over its outer region <paramref name="outer"/> (padded to 3D).</summary>
    /// <exception cref="InvalidDataException">The slot is missing (the segmentation pass did not finish) or has the wrong size.</exception>
    public static NdArray<ulong> Load(string folder, long tileId, Region outer)
    {
        var store = new FileSystemStore(folder);
        var compressed = store.Get(Key(tileId)) ?? throw new InvalidDataException($"{folder}: tile {tileId} is missing; the segmentation pass did not finish.");
        var extent = BlockData.Pad(outer.Shape, fill: 1);
        var labels = NdArray<ulong>.Allocate([extent.Z, extent.Y, extent.X], clear: false);
        int written = Zstd.Decompress(compressed, MemoryMarshal.AsBytes(labels.Span));
        if (written != labels.Length * sizeof(ulong))
        {
            labels.Dispose();
            throw new InvalidDataException($"{store.Location}/{Key(tileId)}: the tile holds {written} bytes; its outer region {outer} needs {labels.Length * sizeof(ulong)}.");
        }

        return labels;
    }

    /// <summary>
    /// The slot's values at the slot positions <paramref name="begin"/> … <paramref name="end"/> (exclusive, padded to
    /// 3D), as numpy slices the slot array: each range is clipped to the slot's extent <paramref name="slot"/>, and
    /// positions beyond the tile's stored region read 0.
    /// </summary>
    public static NdArray<ulong> Band(NdArray<ulong> tile, Index3 slot, Index3 begin, Index3 end)
    {
        static (int Start, int Length) Clip(int start, int stop, int extent) =>
            (Math.Min(start, extent), Math.Max(0, Math.Min(stop, extent) - Math.Min(start, extent)));

        var (z0, depth) = Clip(begin.Z, end.Z, slot.Z);
        var (y0, height) = Clip(begin.Y, end.Y, slot.Y);
        var (x0, width) = Clip(begin.X, end.X, slot.X);
        var band = NdArray<ulong>.Allocate([depth, height, width]);
        var stored = tile.AsSpan3D();
        int storedDepth = Math.Clamp(stored.Depth - z0, 0, depth), storedHeight = Math.Clamp(stored.Height - y0, 0, height), storedWidth = Math.Clamp(stored.Width - x0, 0, width);
        if (storedDepth > 0 && storedHeight > 0 && storedWidth > 0)
        {
            stored.Slice(z0, y0, x0, storedDepth, storedHeight, storedWidth).CopyTo(band.AsSpan3D().Slice(0, 0, 0, storedDepth, storedHeight, storedWidth));
        }

        return band;
    }

    private static string Key(long tileId) => tileId.ToString(CultureInfo.InvariantCulture);
}
