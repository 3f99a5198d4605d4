namespace BioImage.Kernels.Tests.Morphology;

/// <summary>
/// <see cref="BinarySurface"/> against the fact sheet's closed forms and scikit-image 0.19.3 fixtures (Lewiner, pad 1,
/// level 0.5): a k³ cube has 6(k − 1)² + 6√2(k − 1) + √3; two voxels sharing an edge form a tube (3√3, where
/// Lorensen's cases would give 2√3); two sharing a corner 2√3; anisotropic cubes and a ball.
/// </summary>
public class BinarySurfaceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Cubes_have_the_closed_form_area(int k)
    {
        double expected = (6.0 * (k - 1) * (k - 1)) + (6 * Math.Sqrt(2) * (k - 1)) + Math.Sqrt(3);
        Assert.Equal(expected, BinarySurface.Area(Cube(k), [1, 1, 1]), 1e-12 * expected);
    }

    [Fact]
    public void Skimage_fixtures()
    {
        Assert.Equal(35.824431, BinarySurface.Area(Cube(2), [2, 1, 1.5]), 1e-6);
        Assert.Equal(93.743738, BinarySurface.Area(Cube(3), [2, 1, 1.5]), 1e-6);
        Assert.Equal(3 * Math.Sqrt(3), BinarySurface.Area(new ReadOnlySpan3D<bool>([true, false, false, true], 1, 2, 2), [1, 1, 1]), 1e-12);
        var corner = new bool[8];
        corner[0] = corner[7] = true;
        Assert.Equal(2 * Math.Sqrt(3), BinarySurface.Area(new ReadOnlySpan3D<bool>(corner, 2, 2, 2), [1, 1, 1]), 1e-12);

        var ball = new bool[13 * 13 * 13];
        for (int i = 0; i < ball.Length; i++)
        {
            int z = (i / 169) - 6, y = (i / 13 % 13) - 6, x = (i % 13) - 6;
            ball[i] = (z * z) + (y * y) + (x * x) <= 25;
        }

        Assert.Equal(515, ball.Count(v => v));
        Assert.Equal(340.07712, BinarySurface.Area(new ReadOnlySpan3D<bool>(ball, 13, 13, 13), [1, 1, 1]), 2e-4);
        Assert.Equal(0, BinarySurface.Area(new ReadOnlySpan3D<bool>(new bool[8], 2, 2, 2), [1, 1, 1]));
    }

    private static ReadOnlySpan3D<bool> Cube(int k) => new(Enumerable.Repeat(true, k * k * k).ToArray(), k, k, k);
}
