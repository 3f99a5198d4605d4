namespace BioImage.Kernels.Tests.Morphology;

/// <summary>
/// <see cref="ObjectShape"/> against closed forms: a box with n voxels along an axis has σ² = (n² − 1)/12, so its 3D
/// major and minor axes are 2√5·σ_max and 2√5·σ_min (fact sheet: a 7×12×3 box gives 15.438048235879…, 3.6514837167011…),
/// its 2D axes 4σ; a flat object's minor axis is exactly 0; the deepest point is the first maximum in C order.
/// </summary>
public class ObjectShapeTests
{
    [Fact]
    public void Boxes_have_their_closed_form_axes()
    {
        var box = Filled(7, 12, 3);
        var (voxels, major, minor) = ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(box, 7, 12, 3), [1, 1, 1], 3);
        Assert.Equal(252, voxels);
        Assert.Equal(15.438048235879, major, 1e-11);
        Assert.Equal(3.6514837167011, minor, 1e-12);
        Assert.Equal(2 * Math.Sqrt(5 * (143.0 / 12)), major, 1e-13);

        // Spacing (2, 1, 0.5) scales σ per axis: σ_z = 2·√(48/12) = 4 is now the largest.
        var (_, scaledMajor, scaledMinor) = ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(box, 7, 12, 3), [2, 1, 0.5], 3);
        Assert.Equal(2 * Math.Sqrt(5 * 4 * 4), scaledMajor, 1e-13);
        Assert.Equal(2 * Math.Sqrt(5 * 0.25 * 8 / 12), scaledMinor, 1e-13);

        var (flatVoxels, flatMajor, flatMinor) = ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(Filled(1, 5, 9), 1, 5, 9), [4, 5], 2);
        Assert.Equal(45, flatVoxels);
        Assert.Equal(4 * 5 * Math.Sqrt(80.0 / 12), flatMajor, 1e-13);
        Assert.Equal(4 * 4 * Math.Sqrt(24.0 / 12), flatMinor, 1e-13);
    }

    [Fact]
    public void Flat_single_and_empty_objects()
    {
        var plane = new bool[3 * 4 * 5];
        for (int i = 20; i < 40; i++)
        {
            plane[i] = true; // the middle z plane
        }

        var (_, major, minor) = ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(plane, 3, 4, 5), [1, 1, 1], 3);
        Assert.Equal(0, minor);
        Assert.Equal(2 * Math.Sqrt(5 * 2.0), major, 1e-13);
        Assert.Equal((1, 0, 0), ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>([true], 1, 1, 1), [1, 1, 1], 3));
        Assert.Equal((0, 0, 0), ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(new bool[8], 2, 2, 2), [1, 1, 1], 3));
        Assert.Equal((4, 0, 0), ObjectShape.AxisLengths(new ReadOnlySpan3D<bool>(Filled(1, 1, 4), 1, 1, 4), [1], 1));
    }

    [Fact]
    public void Deepest_point_is_the_first_maximum_in_c_order()
    {
        // A 5×5 square whose only background (the crop border is not background) are the corners (0, 0) and (4, 4):
        // the corners (0, 4) and (4, 0) tie at √32 and the first in C order wins; with y spacing 10 the centre is deepest.
        var square = Filled(1, 5, 5);
        square[0] = square[24] = false;
        Assert.Equal((0, 0, 4), ObjectShape.DeepestPoint(new ReadOnlySpan3D<bool>(square, 1, 5, 5), [1, 1, 1]));
        Assert.Equal((0, 2, 2), ObjectShape.DeepestPoint(new ReadOnlySpan3D<bool>(square, 1, 5, 5), [1, 10, 1]));
    }

    private static bool[] Filled(int depth, int height, int width) => [.. Enumerable.Repeat(true, depth * height * width)];
}
