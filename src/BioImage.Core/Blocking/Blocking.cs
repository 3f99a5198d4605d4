namespace BioImage;

/// <summary>
/// A regular grid of blocks over an array (or over a region of interest of it) — the C# counterpart of
/// bioimage-cpp's / nifty's <c>Blocking</c>.
/// </summary>
/// <remarks>
/// Blocks start at the ROI's first corner and step by <see cref="BlockShape"/>; the last block along an axis is
/// clipped to the ROI. Block ids run in C order over the grid (last axis fastest). A block with a halo grows by
/// the halo on every side, clamped to the whole array (not to the ROI): voxels outside the ROI are valid context.
/// </remarks>
public sealed class Blocking
{
    private readonly long[] _shape;
    private readonly long[] _blockShape;
    private readonly long[] _gridShape;

    /// <summary>A grid of <paramref name="blockShape"/> blocks over <paramref name="roi"/> (default: the whole array) of an array of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">Ranks differ, a block extent is not positive, or the ROI is not inside the array.</exception>
    public Blocking(ReadOnlySpan<long> shape, ReadOnlySpan<long> blockShape, Region? roi = null)
    {
        if (shape.Length == 0)
        {
            throw new ArgumentException("shape must have at least one axis.", nameof(shape));
        }

        if (blockShape.Length != shape.Length)
        {
            throw new ArgumentException($"block_shape has {blockShape.Length} axes but the array has {shape.Length}; expected {shape.Length} values.", nameof(blockShape));
        }

        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] < 0)
            {
                throw new ArgumentException($"shape[{axis}] is {shape[axis]}; extents must be ≥ 0.", nameof(shape));
            }

            if (blockShape[axis] <= 0)
            {
                throw new ArgumentException($"block_shape[{axis}] is {blockShape[axis]}; every block extent must be ≥ 1.", nameof(blockShape));
            }
        }

        _shape = shape.ToArray();
        _blockShape = blockShape.ToArray();
        var whole = Region.FromShape(shape);
        Roi = roi ?? whole;
        if (Roi.Rank != shape.Length || !whole.Contains(Roi))
        {
            throw new ArgumentException($"roi {Roi} is not inside the array of shape ({string.Join(", ", _shape)}).", nameof(roi));
        }

        _gridShape = new long[shape.Length];
        long count = 1;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            _gridShape[axis] = (Roi.Shape[axis] + _blockShape[axis] - 1) / _blockShape[axis];
            count = checked(count * _gridShape[axis]);
        }

        BlockCount = count;
    }

    /// <summary>Number of axes.</summary>
    public int Rank => _shape.Length;

    /// <summary>Shape of the whole array.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>Extent of a full (unclipped) block.</summary>
    public ReadOnlySpan<long> BlockShape => _blockShape;

    /// <summary>The region the blocks cover.</summary>
    public Region Roi { get; }

    /// <summary>Blocks along each axis.</summary>
    public ReadOnlySpan<long> GridShape => _gridShape;

    /// <summary>Total number of blocks; ids run from 0 to <c>BlockCount - 1</c>.</summary>
    public long BlockCount { get; }

    /// <summary>The grid coordinate of a block (C order: the last axis varies fastest).</summary>
    public long[] GetGridPosition(long blockId)
    {
        CheckBlockId(blockId);
        var position = new long[Rank];
        for (int axis = Rank - 1; axis >= 0; axis--)
        {
            position[axis] = blockId % _gridShape[axis];
            blockId /= _gridShape[axis];
        }

        return position;
    }

    /// <summary>The id of the block at a grid coordinate.</summary>
    public long GetBlockId(ReadOnlySpan<long> gridPosition)
    {
        if (gridPosition.Length != Rank)
        {
            throw new ArgumentException($"gridPosition has {gridPosition.Length} axes; expected {Rank}.", nameof(gridPosition));
        }

        long id = 0;
        for (int axis = 0; axis < Rank; axis++)
        {
            if ((ulong)gridPosition[axis] >= (ulong)_gridShape[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(gridPosition), $"Grid position {gridPosition[axis]} on axis {axis} is outside [0, {_gridShape[axis]}).");
            }

            id = (id * _gridShape[axis]) + gridPosition[axis];
        }

        return id;
    }

    /// <summary>The block's voxels, clipped to the ROI.</summary>
    public Region GetBlock(long blockId)
    {
        var position = GetGridPosition(blockId);
        var begin = new long[Rank];
        var end = new long[Rank];
        for (int axis = 0; axis < Rank; axis++)
        {
            begin[axis] = Roi.Begin[axis] + (position[axis] * _blockShape[axis]);
            end[axis] = Math.Min(begin[axis] + _blockShape[axis], Roi.End[axis]);
        }

        return new Region(begin, end);
    }

    /// <summary>The block grown by <paramref name="halo"/> on every side, clamped to the array.</summary>
    /// <param name="blockId">The block.</param>
    /// <param name="halo">Voxels added before and after the block along each axis (one value per axis, each ≥ 0).</param>
    public BlockWithHalo GetBlockWithHalo(long blockId, ReadOnlySpan<long> halo)
    {
        if (halo.Length != Rank)
        {
            throw new ArgumentException($"halo has {halo.Length} axes; expected {Rank}.", nameof(halo));
        }

        var inner = GetBlock(blockId);
        var begin = new long[Rank];
        var end = new long[Rank];
        for (int axis = 0; axis < Rank; axis++)
        {
            if (halo[axis] < 0)
            {
                throw new ArgumentException($"halo[{axis}] is {halo[axis]}; halos must be ≥ 0.", nameof(halo));
            }

            begin[axis] = Math.Max(inner.Begin[axis] - halo[axis], 0);
            end[axis] = Math.Min(inner.End[axis] + halo[axis], _shape[axis]);
        }

        var outer = new Region(begin, end);
        return new BlockWithHalo(blockId, outer, inner, inner.RelativeTo(outer));
    }

    /// <summary>
    /// The blocks that touch this block through a face, an edge or a corner: grid offsets in {-1, 0, 1}ⁿ with
    /// between 1 and <paramref name="connectivity"/> non-zero components (scipy's connectivity: 1 = faces only,
    /// <see cref="Rank"/> = faces, edges and corners).
    /// </summary>
    /// <param name="blockId">The block.</param>
    /// <param name="connectivity">1 … <see cref="Rank"/>.</param>
    /// <param name="upperOnly">Only neighbours whose offset is lexicographically positive, so that iterating over
    /// every block visits each adjacent pair exactly once (what a merge over block borders needs).</param>
    public IReadOnlyList<BlockNeighbour> GetNeighbours(long blockId, int connectivity, bool upperOnly = false)
    {
        if (connectivity < 1 || connectivity > Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"connectivity must be between 1 and {Rank}.");
        }

        var position = GetGridPosition(blockId);
        var neighbours = new List<BlockNeighbour>();
        var offset = new int[Rank];
        var neighbour = new long[Rank];
        int combinations = (int)Math.Pow(3, Rank);
        for (int code = 0; code < combinations; code++)
        {
            int rest = code, nonZero = 0, firstNonZero = 0;
            bool inside = true;
            for (int axis = Rank - 1; axis >= 0; axis--)
            {
                offset[axis] = (rest % 3) - 1;
                rest /= 3;
                neighbour[axis] = position[axis] + offset[axis];
                inside &= neighbour[axis] >= 0 && neighbour[axis] < _gridShape[axis];
            }

            foreach (int step in offset)
            {
                firstNonZero = firstNonZero == 0 ? step : firstNonZero;
                nonZero += step != 0 ? 1 : 0;
            }

            if (inside && nonZero >= 1 && nonZero <= connectivity && (!upperOnly || firstNonZero > 0))
            {
                neighbours.Add(new BlockNeighbour(GetBlockId(neighbour), (int[])offset.Clone()));
            }
        }

        return neighbours;
    }

    private void CheckBlockId(long blockId)
    {
        if ((ulong)blockId >= (ulong)BlockCount)
        {
            throw new ArgumentOutOfRangeException(nameof(blockId), blockId, $"Block id must be in [0, {BlockCount}).");
        }
    }
}

/// <summary>A block with its halo: all three boxes the per-block step of an operation needs.</summary>
/// <param name="BlockId">The block.</param>
/// <param name="Outer">The block grown by the halo, clamped to the array: what to read.</param>
/// <param name="Inner">The block itself: what to write.</param>
/// <param name="InnerLocal"><paramref name="Inner"/> relative to <paramref name="Outer"/>'s first corner: where the result sits in the buffer that was read.</param>
public sealed record BlockWithHalo(long BlockId, Region Outer, Region Inner, Region InnerLocal);

/// <summary>A block adjacent to another one in the grid.</summary>
/// <param name="BlockId">The adjacent block.</param>
/// <param name="GridOffset">Its grid position minus the other block's: each component −1, 0 or 1.</param>
public sealed record BlockNeighbour(long BlockId, IReadOnlyList<int> GridOffset)
{
    /// <summary>Number of non-zero offset components: 1 = shares a face, 2 = an edge, 3 = a corner (in 3D).</summary>
    public int Contact => GridOffset.Count(step => step != 0);
}
