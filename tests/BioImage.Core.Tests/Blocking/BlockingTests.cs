namespace BioImage.Core.Tests.Blocking;

public class BlockingTests
{
    public static TheoryData<long[], long[]> Grids => new()
    {
        { new long[] { 1, 7, 300 }, new long[] { 1, 4, 64 } },
        { new long[] { 1, 7, 300 }, new long[] { 2, 2, 7 } },
        { new long[] { 10, 10, 10 }, new long[] { 5, 5, 5 } },
        { new long[] { 13, 17, 19 }, new long[] { 4, 5, 6 } },
        { new long[] { 3, 64, 5 }, new long[] { 64, 64, 64 } },
        { new long[] { 33 }, new long[] { 8 } },
        { new long[] { 9, 11 }, new long[] { 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void Blocks_partition_the_array_exactly(long[] shape, long[] blockShape)
    {
        var blocking = new global::BioImage.Blocking(shape, blockShape);
        AssertPartition(blocking, Region.FromShape(shape));
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void Blocks_partition_a_roi_and_start_at_its_corner(long[] shape, long[] blockShape)
    {
        var begin = shape.Select(e => e / 3).ToArray();
        var end = shape.Select(e => e - (e / 4)).ToArray();
        var roi = new Region(begin, end);
        var blocking = new global::BioImage.Blocking(shape, blockShape, roi);
        AssertPartition(blocking, roi);
        if (blocking.BlockCount > 0)
        {
            Assert.Equal(begin, blocking.GetBlock(0).Begin.ToArray());
        }
    }

    [Fact]
    public void Ids_run_in_C_order_and_round_trip()
    {
        var blocking = new global::BioImage.Blocking([10, 10, 10], [4, 5, 3]);
        Assert.Equal(new long[] { 3, 2, 4 }, blocking.GridShape.ToArray());
        Assert.Equal(24, blocking.BlockCount);
        Assert.Equal(new long[] { 0, 0, 1 }, blocking.GetGridPosition(1));
        Assert.Equal(new long[] { 0, 1, 0 }, blocking.GetGridPosition(4));
        Assert.Equal(new long[] { 1, 0, 0 }, blocking.GetGridPosition(8));
        for (long id = 0; id < blocking.BlockCount; id++)
        {
            Assert.Equal(id, blocking.GetBlockId(blocking.GetGridPosition(id)));
        }

        Assert.Equal(new Region([8, 5, 9], [10, 10, 10]), blocking.GetBlock(23));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocking.GetBlock(24));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocking.GetBlock(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocking.GetBlockId([3, 0, 0]));
    }

    [Fact]
    public void Halo_is_clamped_to_the_array_not_the_roi()
    {
        var roi = new Region([2, 2, 2], [8, 8, 8]);
        var blocking = new global::BioImage.Blocking([10, 10, 10], [3, 3, 3], roi);
        var first = blocking.GetBlockWithHalo(0, [4, 1, 0]);
        Assert.Equal(new Region([2, 2, 2], [5, 5, 5]), first.Inner);
        Assert.Equal(new Region([0, 1, 2], [9, 6, 5]), first.Outer);
        Assert.Equal(new Region([2, 1, 0], [5, 4, 3]), first.InnerLocal);

        var last = blocking.GetBlockWithHalo(blocking.BlockCount - 1, [4, 4, 4]);
        Assert.Equal(new Region([5, 5, 5], [8, 8, 8]), last.Inner);
        Assert.Equal(new Region([1, 1, 1], [10, 10, 10]), last.Outer);
        Assert.Equal(new Region([4, 4, 4], [7, 7, 7]), last.InnerLocal);
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void Halo_block_contains_inner_and_matches_brute_force(long[] shape, long[] blockShape)
    {
        var blocking = new global::BioImage.Blocking(shape, blockShape);
        var halo = blockShape.Select(b => (b / 2) + 1).ToArray();
        for (long id = 0; id < blocking.BlockCount; id++)
        {
            var block = blocking.GetBlockWithHalo(id, halo);
            Assert.Equal(blocking.GetBlock(id), block.Inner);
            Assert.True(block.Outer.Contains(block.Inner));
            for (int axis = 0; axis < shape.Length; axis++)
            {
                Assert.Equal(Math.Max(0, block.Inner.Begin[axis] - halo[axis]), block.Outer.Begin[axis]);
                Assert.Equal(Math.Min(shape[axis], block.Inner.End[axis] + halo[axis]), block.Outer.End[axis]);
                Assert.Equal(block.Inner.Begin[axis] - block.Outer.Begin[axis], block.InnerLocal.Begin[axis]);
            }

            Assert.Equal(block.Inner.Shape.ToArray(), block.InnerLocal.Shape.ToArray());
        }
    }

    [Theory]
    [InlineData(1, 6, 3)]
    [InlineData(2, 18, 6)]
    [InlineData(3, 26, 7)]
    public void Neighbour_counts_for_centre_and_corner_blocks(int connectivity, int centre, int corner)
    {
        var blocking = new global::BioImage.Blocking([9, 9, 9], [3, 3, 3]);
        Assert.Equal(centre, blocking.GetNeighbours(13, connectivity).Count);
        Assert.Equal(corner, blocking.GetNeighbours(0, connectivity).Count);
        Assert.All(blocking.GetNeighbours(13, connectivity), n => Assert.InRange(n.Contact, 1, connectivity));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Upper_neighbours_visit_every_adjacent_pair_once(int connectivity)
    {
        var blocking = new global::BioImage.Blocking([7, 10, 5], [2, 3, 2]);
        var pairs = new HashSet<(long, long)>();
        long all = 0;
        for (long id = 0; id < blocking.BlockCount; id++)
        {
            all += blocking.GetNeighbours(id, connectivity).Count;
            foreach (var neighbour in blocking.GetNeighbours(id, connectivity, upperOnly: true))
            {
                Assert.True(pairs.Add((Math.Min(id, neighbour.BlockId), Math.Max(id, neighbour.BlockId))));
                Assert.True(neighbour.BlockId > id);
            }
        }

        Assert.Equal(all, 2 * pairs.Count);
    }

    [Fact]
    public void Neighbour_offsets_point_at_the_neighbour()
    {
        var blocking = new global::BioImage.Blocking([1, 7, 300], [1, 4, 64]);
        foreach (var neighbour in blocking.GetNeighbours(6, 3))
        {
            var here = blocking.GetGridPosition(6);
            var there = blocking.GetGridPosition(neighbour.BlockId);
            Assert.Equal(there.Select((p, axis) => (int)(p - here[axis])), neighbour.GridOffset);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => blocking.GetNeighbours(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocking.GetNeighbours(0, 0));
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        Assert.Contains("block_shape has 2 axes", Assert.Throws<ArgumentException>(() => new global::BioImage.Blocking([4, 4, 4], [2, 2])).Message, StringComparison.Ordinal);
        Assert.Contains("block_shape[1] is 0", Assert.Throws<ArgumentException>(() => new global::BioImage.Blocking([4, 4, 4], [2, 0, 2])).Message, StringComparison.Ordinal);
        Assert.Contains("roi", Assert.Throws<ArgumentException>(() => new global::BioImage.Blocking([4, 4], [2, 2], new Region([0, 0], [5, 4]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new global::BioImage.Blocking([4, 4], [2, 2]).GetBlockWithHalo(0, [1]));
        Assert.Throws<ArgumentException>(() => new global::BioImage.Blocking([4, 4], [2, 2]).GetBlockWithHalo(0, [1, -1]));
        Assert.Equal(0, new global::BioImage.Blocking([0, 4], [2, 2]).BlockCount);
    }

    /// <summary>Oracle: each voxel of the ROI lies in exactly one block — the one floor((v − roi.begin) / blockShape) names.</summary>
    private static void AssertPartition(global::BioImage.Blocking blocking, Region roi)
    {
        long covered = 0;
        for (long id = 0; id < blocking.BlockCount; id++)
        {
            var block = blocking.GetBlock(id);
            Assert.False(block.IsEmpty);
            Assert.True(roi.Contains(block));
            covered += block.VoxelCount;
            var position = blocking.GetGridPosition(id);
            for (int axis = 0; axis < roi.Rank; axis++)
            {
                Assert.Equal(roi.Begin[axis] + (position[axis] * blocking.BlockShape[axis]), block.Begin[axis]);
                Assert.Equal(Math.Min(block.Begin[axis] + blocking.BlockShape[axis], roi.End[axis]), block.End[axis]);
                Assert.Equal(position[axis], (block.End[axis] - 1 - roi.Begin[axis]) / blocking.BlockShape[axis]);
            }
        }

        Assert.Equal(roi.VoxelCount, covered);
    }
}
