namespace BioImage.Kernels;

/// <summary>An integer triple in (z, y, x) order: a position, an extent or a per-axis halo.</summary>
/// <param name="Z">Along z (axis 0).</param>
/// <param name="Y">Along y (axis 1).</param>
/// <param name="X">Along x (axis 2).</param>
public readonly record struct Index3(int Z, int Y, int X)
{
    /// <summary>(0, 0, 0).</summary>
    public static Index3 Zero => default;

    /// <summary>The value along axis 0 (z), 1 (y) or 2 (x).</summary>
    public int this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "Axis must be 0 (z), 1 (y) or 2 (x)."),
    };

    /// <summary>Component-wise sum.</summary>
    public static Index3 operator +(Index3 left, Index3 right) => new(left.Z + right.Z, left.Y + right.Y, left.X + right.X);

    /// <summary>Component-wise sum.</summary>
    public static Index3 Add(Index3 left, Index3 right) => left + right;
}
