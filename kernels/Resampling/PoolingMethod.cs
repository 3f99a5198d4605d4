namespace BioImage.Kernels;

/// <summary>How <see cref="Resampling.Pool{T}"/> reduces each block of input voxels to one output voxel.</summary>
public enum PoolingMethod
{
    /// <summary>
    /// Arithmetic mean. Integers: floor(sum / count), summed without overflow (tinybrain's rounding); floating point:
    /// the sum in input order (z, then y, then x), divided by the count.
    /// </summary>
    Mean,

    /// <summary>Largest value (NaN propagates, as numpy.max).</summary>
    Max,

    /// <summary>Smallest value (NaN propagates, as numpy.min).</summary>
    Min,

    /// <summary>
    /// Most frequent value — label-safe (never invents a label); ties go to the smallest value, so the result does not
    /// depend on voxel order.
    /// </summary>
    Mode,
}
