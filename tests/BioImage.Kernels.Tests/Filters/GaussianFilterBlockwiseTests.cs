using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>
/// Exactness of block-wise evaluation: a box computed from a sub-view that extends the filter's halo beyond it
/// (clipped at the volume) equals the same voxels of the whole-volume run bit for bit, for any thread count.
/// </summary>
public class GaussianFilterBlockwiseTests
{
    public static TheoryData<string> AllCases => FilterFixtures.All();

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Blocks_with_halo_equal_the_whole_volume(string name)
    {
        var c = FilterFixtures.Case(name);
        var shape = new Index3(c.Rank == 3 ? 14 : 5, 23, 37);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal));
        var input = Enumerable.Range(0, shape.Z * shape.Y * shape.X).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
        var whole = FilterRunner.RunWhole(c, input, shape);
        Assert.Equal(whole, FilterRunner.RunWhole(c, input, shape, threads: 3));

        var halo = FilterRunner.Halo(c);
        int[] begin = new int[3], size = new int[3], outerBegin = new int[3], outerSize = new int[3];
        for (int trial = 0; trial < 6; trial++)
        {
            for (int axis = 0; axis < 3; axis++)
            {
                size[axis] = random.Next(1, shape[axis] + 1);
                begin[axis] = random.Next(0, shape[axis] - size[axis] + 1);

                // Wrap reads the opposite side of the volume: a block is exact only along axes it reads entirely.
                bool wholeAxis = c.Mode == "wrap";
                outerBegin[axis] = wholeAxis ? 0 : Math.Max(0, begin[axis] - halo[axis]);
                outerSize[axis] = (wholeAxis ? shape[axis] : Math.Min(shape[axis], begin[axis] + size[axis] + halo[axis])) - outerBegin[axis];
            }

            var view = new ReadOnlyMemory3D<float>(input, shape.Z, shape.Y, shape.X).Slice(outerBegin[0], outerBegin[1], outerBegin[2], outerSize[0], outerSize[1], outerSize[2]);
            var box = new Index3(size[0], size[1], size[2]);
            var origin = new Index3(begin[0] - outerBegin[0], begin[1] - outerBegin[1], begin[2] - outerBegin[2]);
            var block = FilterRunner.Run(c, view, origin, box, threads: 1 + (trial % 3));
            AssertBoxEquals(whole, shape, block, new Index3(begin[0], begin[1], begin[2]), box, FilterRunner.Channels(c), $"{name} box at ({begin[0]}, {begin[1]}, {begin[2]}) size {box}");
        }
    }

    private static void AssertBoxEquals(float[] whole, Index3 shape, float[] block, Index3 begin, Index3 box, int channels, string what)
    {
        for (int k = 0; k < channels; k++)
        {
            for (int z = 0; z < box.Z; z++)
            {
                for (int y = 0; y < box.Y; y++)
                {
                    for (int x = 0; x < box.X; x++)
                    {
                        float expected = whole[(((((k * shape.Z) + begin.Z + z) * shape.Y) + begin.Y + y) * shape.X) + begin.X + x];
                        float actual = block[(((((k * box.Z) + z) * box.Y) + y) * box.X) + x];
                        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
                        {
                            Assert.Fail($"{what}: channel {k} voxel ({z}, {y}, {x}) is {actual:R}, the whole volume has {expected:R}.");
                        }
                    }
                }
            }
        }
    }
}
