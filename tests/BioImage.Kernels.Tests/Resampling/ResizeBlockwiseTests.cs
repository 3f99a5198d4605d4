using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Resampling;

/// <summary>
/// Exactness of block-wise resizing: an output box computed from an input view holding the plan's input region
/// (its exact halo) equals the same voxels of the whole-volume run bit for bit, for any thread count; a view one
/// voxel short of the region is rejected.
/// </summary>
public class ResizeBlockwiseTests
{
    public static TheoryData<int, bool, string, int> Plans => new()
    {
        { 0, true, "mirror", 0 },
        { 1, false, "reflect", 1 },
        { 1, true, "grid-constant", 2 },
        { 2, false, "nearest", 0 },
        { 3, true, "mirror", 1 },
        { 3, false, "grid-wrap", 2 },
        { 4, true, "reflect", 0 },
        { 5, false, "grid-constant", 1 },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Output_boxes_equal_the_whole_volume(int order, bool antiAliasing, string mode, int shapeIndex)
    {
        var inputShape = new Index3(13, 22, 37);
        Index3[] targets = [new(7, 11, 19), new(5, 30, 12), new(13, 9, 50)];
        var outputShape = targets[shapeIndex];
        var plan = new ResizePlan(inputShape, outputShape, order, antiAliasing, BorderIndex.Parse(mode), cval: -2.5);
        var random = new Random((order * 100) + shapeIndex);
        var input = Enumerable.Range(0, inputShape.Z * inputShape.Y * inputShape.X).Select(_ => (float)random.NextDouble()).ToArray();
        var whole = new float[outputShape.Z * outputShape.Y * outputShape.X];
        var source = new ReadOnlyMemory3D<float>(input, inputShape.Z, inputShape.Y, inputShape.X);
        Kernels.Resampling.Resize(source, new Memory3D<float>(whole, outputShape.Z, outputShape.Y, outputShape.X), plan, degreeOfParallelism: 2);

        for (int trial = 0; trial < 8; trial++)
        {
            var begin = new int[3];
            var size = new int[3];
            for (int axis = 0; axis < 3; axis++)
            {
                size[axis] = random.Next(1, outputShape[axis] + 1);
                begin[axis] = random.Next(0, outputShape[axis] - size[axis] + 1);
            }

            var outBegin = new Index3(begin[0], begin[1], begin[2]);
            var outEnd = new Index3(begin[0] + size[0], begin[1] + size[1], begin[2] + size[2]);
            var (inBegin, inEnd) = plan.InputRegion(outBegin, outEnd);
            var view = source.Slice(inBegin.Z, inBegin.Y, inBegin.X, inEnd.Z - inBegin.Z, inEnd.Y - inBegin.Y, inEnd.X - inBegin.X);
            var block = new float[size[0] * size[1] * size[2]];
            Kernels.Resampling.Resize(view, inBegin, new Memory3D<float>(block, size[0], size[1], size[2]), outBegin, plan, degreeOfParallelism: 1 + (trial % 3));
            for (int z = 0; z < size[0]; z++)
            {
                for (int y = 0; y < size[1]; y++)
                {
                    for (int x = 0; x < size[2]; x++)
                    {
                        float expected = whole[((((begin[0] + z) * outputShape.Y) + begin[1] + y) * outputShape.X) + begin[2] + x];
                        float actual = block[(((z * size[1]) + y) * size[2]) + x];
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"box {outBegin}..{outEnd}: voxel ({z}, {y}, {x}) is {actual:R}, the whole volume has {expected:R}.");
                    }
                }
            }

            if (inEnd.X - inBegin.X > 1)
            {
                var short1 = source.Slice(inBegin.Z, inBegin.Y, inBegin.X, inEnd.Z - inBegin.Z, inEnd.Y - inBegin.Y, inEnd.X - inBegin.X - 1);
                Assert.Throws<ArgumentException>(() => Kernels.Resampling.Resize(short1, inBegin, new Memory3D<float>(block, size[0], size[1], size[2]), outBegin, plan));
            }
        }
    }
}
