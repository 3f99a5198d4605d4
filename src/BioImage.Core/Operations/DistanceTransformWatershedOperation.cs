using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of the distance-transform watershed (elf's <c>distance_transform_watershed</c>, see
/// <see cref="DistanceTransformWatershed"/>): each block segments its outer region — the inner block plus
/// <see cref="Halo"/> voxels per side — and writes the segments that reach its inner block, numbered
/// <c>block id · <see cref="IdStride"/> + 1, 2, …</c> in raster order of first appearance, so ids are unique across
/// blocks (uint64 output; <c>relabel_consecutive</c> compacts them). Segments are cut at block faces (no merge); the
/// halo makes the distances, smoothing and seeds near the faces those of the whole volume up to its reach.
/// </summary>
/// <remarks>With a mask (<see cref="RunOptions.Mask"/>) the outer block's mask goes to the kernel; blocks without a mask voxel are skipped. 3D data.</remarks>
public sealed class DistanceTransformWatershedOperation : BlockOperation
{
    /// <summary>Context voxels read around every block: one value for every axis, or one per axis (required).</summary>
    public long[]? Halo { get; set; }

    /// <summary>The kernel's parameters (threshold, σ seeds and weights, min size, α, min distance, connectivity, sampling).</summary>
    public DistanceTransformWatershedOptions Options { get; set; } = new(0.5, 2);

    /// <summary>Ids reserved per block: at least the voxels of the largest inner block (set by <see cref="Run(ISource, ISource, long[], DistanceTransformWatershedOptions, RunOptions)"/>).</summary>
    public long IdStride { get; set; }

    /// <summary>Segments <paramref name="input"/> block-wise into <paramref name="output"/> (uint64).</summary>
    public static void Run(ISource input, ISource output, long[] halo, DistanceTransformWatershedOptions parameters, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<long> blockShape = options.BlockShape ?? input.Chunks ?? input.Shape;
        var operation = new DistanceTransformWatershedOperation
        {
            Halo = halo,
            Options = parameters,
            IdStride = blockShape.Zip(input.Shape, Math.Min).Aggregate(1L, (product, extent) => checked(product * Math.Max(extent, 1))),
        };
        _ = operation.GetHalo(input.Shape.Count);
        if (output.DType != DType.UInt64)
        {
            throw new ArgumentException($"The distance-transform watershed writes uint64 ids (block id · block voxels + local id); the output is {output.DType.NumpyName()}.", nameof(output));
        }

        Runner.Run(operation, [input], [output], options);
    }

    /// <inheritdoc />
    public override long[] GetHalo(int rank)
    {
        if (rank != 3)
        {
            throw new ArgumentException($"The distance-transform watershed needs 3D data; the input has {rank} axes.", nameof(rank));
        }

        ArgumentNullException.ThrowIfNull(Options);
        Options.Validate();
        return Halo is null
            ? throw new ArgumentException("The block-wise distance-transform watershed needs a halo (Halo).")
            : BlockData.PerAxis(Halo, rank, nameof(Halo));
    }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (IdStride < 1)
        {
            throw new InvalidOperationException("IdStride must be at least the voxels of the largest block.");
        }

        block.Inputs[0].DType.Dispatch(new Segment(this, block));
    }

    private sealed class Segment(DistanceTransformWatershedOperation operation, BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var outer = block.Block.Outer;
            using var input = BlockData.Read<T>(block.Inputs[0], outer);
            var view = input.AsSpan3D();
            using var labels = NdArray<ulong>.Allocate(input.Shape, clear: false);
            var mask = block.Mask is null ? null : MaskFlags.Read(block.Mask, outer);
            var inside = mask is null ? default : new ReadOnlySpan3D<bool>(mask, view.Depth, view.Height, view.Width);
            DistanceTransformWatershed.Segment(view.AsReadOnly(), labels.AsSpan3D(), operation.Options, inside);

            var local = block.Block.InnerLocal;
            var (begin, extent) = (BlockData.Pad(local.Begin), BlockData.Pad(local.Shape, fill: 1));
            var inner = labels.AsSpan3D().Slice(begin.Z, begin.Y, begin.X, extent.Z, extent.Y, extent.X);
            var ids = new Dictionary<ulong, ulong>();
            ulong offset = checked((ulong)block.Block.BlockId * (ulong)operation.IdStride);
            for (int z = 0; z < inner.Depth; z++)
            {
                for (int y = 0; y < inner.Height; y++)
                {
                    var row = inner.GetRowSpan(z, y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        if (row[x] != 0)
                        {
                            ref ulong id = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(ids, row[x], out bool seen);
                            id = seen ? id : offset + (ulong)ids.Count;
                            row[x] = id;
                        }
                    }
                }
            }

            block.Outputs[0].Write<ulong>(block.Block.Inner, inner);
            return true;
        }
    }
}
