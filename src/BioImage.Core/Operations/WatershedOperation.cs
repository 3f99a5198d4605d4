using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>watershed</c> (bioimage-py's seeded watershed): each block reads the height map (input 0) and the
/// seeds (input 1) over its outer region — the inner block plus <see cref="Halo"/> voxels per side, clipped at the
/// volume — floods it with <see cref="Watershed.Seeded{THeight, TSeed, TLabel}(ReadOnlySpan3D{THeight}, ReadOnlySpan3D{TSeed}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double, int)"/>
/// (skimage's watershed) and writes the inner block. Seed ids are kept as they are: there is no merge across blocks,
/// so seeds must be globally consistent, and a block equals the whole-volume watershed where the halo covers the
/// basins that reach it (the whole volume when the halo covers it).
/// </summary>
/// <remarks>
/// As in bioimage-py: the height map is flooded as float32 (float64 stays float64); the seeds may have any integer
/// dtype and each must fit the output's integer dtype; with a mask (<see cref="RunOptions.Mask"/>), blocks without a
/// mask voxel in their inner region are skipped, the outer block's mask is passed to the kernel, and out-of-mask
/// voxels are written 0. 2D (connectivity 1–2) and 3D (1–3) data. O(outer voxels · log) per block.
/// </remarks>
public sealed class WatershedOperation : BlockOperation
{
    /// <summary>Context voxels read around every block: one value for every axis, or one per axis (required).</summary>
    public long[]? Halo { get; set; }

    /// <summary>Neighbourhood: 1 (face neighbours, the default) up to the data's rank (all neighbours).</summary>
    public int Connectivity { get; set; } = 1;

    /// <summary>Floods <paramref name="heightmap"/> from <paramref name="seeds"/> into <paramref name="output"/> (an integer dtype) block-wise.</summary>
    public static void Run(ISource heightmap, ISource seeds, ISource output, long[] halo, RunOptions options, int connectivity = 1)
    {
        ArgumentNullException.ThrowIfNull(heightmap);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(output);
        var operation = new WatershedOperation { Halo = halo, Connectivity = connectivity };
        operation.Validate(heightmap.Shape.Count, seeds.DType, output.DType);
        Runner.Run(operation, [heightmap, seeds], [output], options);
    }

    /// <summary>Throws unless the parameters fit data of <paramref name="rank"/> axes with these seed and output dtypes.</summary>
    public void Validate(int rank, DType seeds, DType output)
    {
        _ = GetHalo(rank);
        if (!seeds.IsInteger() && seeds != DType.Bool)
        {
            throw new ArgumentException($"The seeds must have an integer dtype; got {seeds.NumpyName()}.", nameof(seeds));
        }

        if (!output.IsInteger())
        {
            throw new ArgumentException($"The watershed output must have an integer dtype (e.g. uint64); got {output.NumpyName()}.", nameof(output));
        }
    }

    /// <inheritdoc />
    public override long[] GetHalo(int rank)
    {
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"watershed needs 2D or 3D data; the input has {rank} axes.", nameof(rank));
        }

        if (Connectivity < 1 || Connectivity > rank)
        {
            throw new ArgumentException($"Connectivity must be 1 to {rank} for {rank}D data; got {Connectivity}.");
        }

        return Halo is null
            ? throw new ArgumentException("The block-wise watershed needs a halo (Halo, --halo): the context each block floods beyond its own voxels.")
            : BlockData.PerAxis(Halo, rank, nameof(Halo));
    }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (BlockData.WorkingType(block.Inputs[0].DType) == DType.Float64)
        {
            Flood<double>(block);
        }
        else
        {
            Flood<float>(block);
        }
    }

    private void Flood<THeight>(BlockContext block)
        where THeight : unmanaged, IFloatingPointIeee754<THeight>, IMinMaxValue<THeight>
    {
        var outer = block.Block.Outer;
        using var heights = BlockData.ReadAs<THeight>(block.Inputs[0], outer);
        var mask = block.Mask is null ? null : MaskFlags.Read(block.Mask, outer);
        block.Inputs[1].DType.DispatchInteger(new SeedsStep<THeight>(block, heights, mask, Connectivity), "seeds");
    }

    private sealed class SeedsStep<THeight>(BlockContext block, NdArray<THeight> heights, bool[]? mask, int connectivity) : IIntegerDTypeFunc<bool>
        where THeight : unmanaged, IFloatingPointIeee754<THeight>
    {
        public bool Invoke<TSeed>()
            where TSeed : unmanaged, IBinaryInteger<TSeed>, IMinMaxValue<TSeed>
        {
            using var seeds = BlockData.Read<TSeed>(block.Inputs[1], block.Block.Outer);
            return block.Outputs[0].DType.DispatchInteger(new LabelStep<THeight, TSeed>(block, heights, seeds, mask, connectivity), "watershed output");
        }
    }

    private sealed class LabelStep<THeight, TSeed>(BlockContext block, NdArray<THeight> heights, NdArray<TSeed> seeds, bool[]? mask, int connectivity) : IIntegerDTypeFunc<bool>
        where THeight : unmanaged, IFloatingPointIeee754<THeight>
        where TSeed : unmanaged, IBinaryInteger<TSeed>
    {
        public bool Invoke<TLabel>()
            where TLabel : unmanaged, IBinaryInteger<TLabel>, IMinMaxValue<TLabel>
        {
            using var labels = NdArray<TLabel>.Allocate(heights.Shape, clear: false);
            var height = BlockData.Folded(heights).Span;
            var seed = BlockData.Folded(seeds).Span;
            var label = BlockData.Folded(labels).Span;
            var inside = mask is null ? default : new ReadOnlySpan3D<bool>(mask, height.Depth, height.Height, height.Width);
            if (heights.Rank == 2)
            {
                Watershed.Seeded<THeight, TSeed, TLabel>(height.GetPlane(0), seed.GetPlane(0), label.GetPlane(0), connectivity, inside.IsEmpty ? default : inside.GetPlane(0));
            }
            else
            {
                Watershed.Seeded<THeight, TSeed, TLabel>(height, seed, label, connectivity, inside, degreeOfParallelism: block.Threads);
            }

            BlockData.WriteInner(block.Outputs[0], block.Block, labels);
            return true;
        }
    }
}
