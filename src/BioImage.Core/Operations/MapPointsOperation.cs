using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of <see cref="MapPointsVerb"/> (bioimage-py's <c>map_points_to_objects</c>): for the points inside the
/// block's outer region (the block plus <see cref="Halo"/>), the nearest object voxel and its distance, from the exact
/// Euclidean distance transform of the region's background with the nearest-feature indices
/// (<see cref="DistanceTransform"/>, with <see cref="Sampling"/>). A point inside an object maps to it at distance 0.
/// A region without any object maps none of its points (bioimage-py's id 0 at distance ∞, which never wins the merge).
/// </summary>
/// <remarks>
/// A point (z, y, x) — fractional coordinates allowed — lies in a region when begin ≤ p &lt; end on every axis and
/// stands for the voxel ⌊p⌋. Distances are float32 as bioimage-py's. O(region voxels) per block with points.
/// </remarks>
public sealed class MapPointsOperation : ReduceOperation<MappedPoints>
{
    /// <summary>The points, row by row: rank coordinates each.</summary>
    public double[] Coordinates { get; set; } = [];

    /// <summary>Voxels of context on every side of a block, one value per axis (zero: each block alone).</summary>
    public long[] Halo { get; set; } = [];

    /// <summary>Voxel spacing per axis; empty for 1.</summary>
    public double[] Sampling { get; set; } = [];

    /// <inheritdoc />
    public override long[] GetHalo(int rank) => Halo.Length == 0 ? new long[rank] : [.. Halo];

    /// <inheritdoc />
    public override MappedPoints Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.DispatchInteger(new Nearest(this, block), "map-points' segmentation");
    }

    private sealed class Nearest(MapPointsOperation step, BlockContext block) : IIntegerDTypeFunc<MappedPoints>
    {
        public MappedPoints Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var outer = block.Block.Outer;
            int rank = outer.Rank;
            var inside = new List<int>();
            for (int point = 0; point < step.Coordinates.Length / rank; point++)
            {
                bool contained = true;
                for (int axis = 0; axis < rank; axis++)
                {
                    double coordinate = step.Coordinates[(point * rank) + axis];
                    contained &= coordinate >= outer.Begin[axis] && coordinate < outer.End[axis];
                }

                if (contained)
                {
                    inside.Add(point);
                }
            }

            using var labels = inside.Count == 0 ? null : BlockData.Read<T>(block.Inputs[0], outer);
            if (labels is null || !labels.Span.ContainsAnyExcept(T.Zero))
            {
                return new MappedPoints([], [], []);
            }

            var view = BlockData.Folded(labels).Span.AsReadOnly();
            var (depth, height, width) = (view.Depth, view.Height, view.Width);
            var background = new byte[labels.Length];
            for (int i = 0; i < background.Length; i++)
            {
                background[i] = labels.Span[i] == T.Zero ? (byte)1 : (byte)0;
            }

            var distances = new float[labels.Length];
            var (nearZ, nearY, nearX) = (new int[labels.Length], new int[labels.Length], new int[labels.Length]);
            double[] sampling = step.Sampling.Length == 0 ? [] : rank == 2 ? [1, .. step.Sampling] : step.Sampling;
            DistanceTransform.Euclidean(
                new ReadOnlySpan3D<byte>(background, depth, height, width),
                new Span3D<float>(distances, depth, height, width),
                new Span3D<int>(nearZ, depth, height, width),
                new Span3D<int>(nearY, depth, height, width),
                new Span3D<int>(nearX, depth, height, width),
                sampling);

            var ids = new decimal[inside.Count];
            var lengths = new float[inside.Count];
            for (int k = 0; k < inside.Count; k++)
            {
                int index = 0;
                for (int axis = 0; axis < rank; axis++)
                {
                    long local = (long)(step.Coordinates[(inside[k] * rank) + axis] - outer.Begin[axis]);
                    index = (index * (int)outer.Shape[axis]) + (int)local;
                }

                lengths[k] = distances[index];
                ids[k] = decimal.CreateTruncating(view[nearZ[index], nearY[index], nearX[index]]);
            }

            return new MappedPoints([.. inside], ids, lengths);
        }
    }
}

/// <summary>The points one block maps: their indices, the nearest object's id and the distance to it.</summary>
/// <param name="PointIds">Indices into the point list.</param>
/// <param name="ObjectIds">The id of the nearest object voxel (exact for every integer dtype).</param>
/// <param name="Distances">The Euclidean distance to it, in sampling units (float32).</param>
public sealed record MappedPoints(int[] PointIds, decimal[] ObjectIds, float[] Distances);
