namespace BioImage.Kernels;

/// <summary>One value per spatial axis in (z, y, x) order, e.g. a per-axis Gaussian σ.</summary>
/// <param name="Z">Value along z (axis 0); unused by 2D filters.</param>
/// <param name="Y">Value along y (axis 1).</param>
/// <param name="X">Value along x (axis 2, contiguous in memory).</param>
public readonly record struct AxisScales(double Z, double Y, double X)
{
    /// <summary>The same value on every axis.</summary>
    public static AxisScales Isotropic(double value) => new(value, value, value);

    /// <summary>The value along axis 0 (z), 1 (y) or 2 (x).</summary>
    public double this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "Axis must be 0 (z), 1 (y) or 2 (x)."),
    };
}
