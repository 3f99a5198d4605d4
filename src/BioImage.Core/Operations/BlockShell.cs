using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Storage.Codecs;
using BioImage.Storage.Stores;

namespace BioImage.Operations;

/// <summary>
/// The local labels on a block's boundary — a low and a high plane per real axis — which is all the seam pass of
/// <see cref="Label"/> needs of a block: two blocks touch only through their boundary voxels. Stored per block as
/// one zstd-compressed object (planes z-low, z-high, y-low, y-high, x-low, x-high, each in C order over the other two
/// axes; the planes of the axes a 1D/2D block lacks are left out), so the seam pass reads O(border voxels), not the
/// neighbours' whole blocks.
/// </summary>
internal sealed class BlockShell
{
    private readonly uint[] _planes;
    private readonly int _depth, _height, _width, _firstAxis;

    private BlockShell(uint[] planes, Index3 extent, int rank)
    {
        _planes = planes;
        (_depth, _height, _width) = (extent.Z, extent.Y, extent.X);
        _firstAxis = 3 - rank;
    }

    /// <summary>The block's extent (z, y, x), padded to 3D.</summary>
    public Index3 Extent => new(_depth, _height, _width);

    /// <summary>The label of a voxel on the block's boundary (block-local coordinates).</summary>
    public uint this[int z, int y, int x]
    {
        get
        {
            int planeZ = _height * _width, planeY = _depth * _width;
            int zPlanes = _firstAxis == 0 ? 2 * planeZ : 0, yPlanes = _firstAxis <= 1 ? 2 * planeY : 0;
            if (_firstAxis == 0 && (z == 0 || z == _depth - 1))
            {
                return _planes[(z == 0 ? 0 : planeZ) + (y * _width) + x];
            }

            if (_firstAxis <= 1 && (y == 0 || y == _height - 1))
            {
                return _planes[zPlanes + (y == 0 ? 0 : planeY) + (z * _width) + x];
            }

            return x == 0 || x == _width - 1
                ? _planes[zPlanes + yPlanes + (x == 0 ? 0 : _depth * _height) + (z * _height) + y]
                : throw new ArgumentOutOfRangeException(nameof(x), $"({z}, {y}, {x}) is not on the boundary of a {_depth}×{_height}×{_width} block.");
        }
    }

    /// <summary>Stores the boundary planes of <paramref name="labels"/> (a block of <paramref name="rank"/> real axes) under <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Save(IStore store, string key, ReadOnlySpan3D<uint> labels, int rank)
    {
        int depth = labels.Depth, height = labels.Height, width = labels.Width;
        var planes = new uint[Length(new Index3(depth, height, width), rank)];
        int at = 0;
        if (rank == 3)
        {
            foreach (int z in new[] { 0, depth - 1 })
            {
                for (int y = 0; y < height; y++, at += width)
                {
                    labels.GetRowSpan(z, y).CopyTo(planes.AsSpan(at));
                }
            }
        }

        if (rank >= 2)
        {
            foreach (int y in new[] { 0, height - 1 })
            {
                for (int z = 0; z < depth; z++, at += width)
                {
                    labels.GetRowSpan(z, y).CopyTo(planes.AsSpan(at));
                }
            }
        }

        foreach (int x in new[] { 0, width - 1 })
        {
            for (int z = 0; z < depth; z++)
            {
                for (int y = 0; y < height; y++)
                {
                    planes[at++] = labels[z, y, x];
                }
            }
        }

        var bytes = MemoryMarshal.AsBytes(planes.AsSpan());
        var compressed = new byte[Zstd.CompressBound(bytes.Length)];
        store.Set(key, compressed.AsSpan(0, Zstd.Compress(bytes, compressed, level: 1, checksum: false)));
    }

    /// <summary>The shell stored under <paramref name="key"/> for a block of <paramref name="extent"/>, or null when there is none (the block has no labels).</summary>
    public static BlockShell? Load(IStore store, string key, Index3 extent, int rank)
    {
        if (store.Get(key) is not { } compressed)
        {
            return null;
        }

        int length = Length(extent, rank);
        var planes = new uint[length];
        int written = Zstd.Decompress(compressed, MemoryMarshal.AsBytes(planes.AsSpan()));
        return written == length * sizeof(uint)
            ? new BlockShell(planes, extent, rank)
            : throw new InvalidDataException($"{store.Location}/{key}: the block shell holds {written} bytes; a {extent.Z}×{extent.Y}×{extent.X} block needs {length * sizeof(uint)}.");
    }

    /// <summary>The number of voxels in the planes of a block of <paramref name="extent"/> with <paramref name="rank"/> real axes.</summary>
    private static int Length(Index3 extent, int rank) =>
        (rank == 3 ? 2 * extent.Y * extent.X : 0) + (rank >= 2 ? 2 * extent.Z * extent.X : 0) + (2 * extent.Z * extent.Y);
}
