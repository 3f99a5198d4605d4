namespace BioImage.Throughput.Gate;

/// <summary>
/// One measurement of a kernel and of both references, taken alternately so that all three see the same moment
/// of the machine: speeds are the best of the samples, on the thread's CPU clock.
/// </summary>
/// <param name="KernelBytesPerSecond">The kernel's bytes read + written per second.</param>
/// <param name="CopyBytesPerSecond">The memory copy's bytes read + written per second.</param>
/// <param name="ComputeStepsPerSecond">The compute loop's steps per second.</param>
internal sealed record Measurement(double KernelBytesPerSecond, double CopyBytesPerSecond, double ComputeStepsPerSecond)
{
    /// <summary>
    /// A kernel that moves at least half as many bytes per second as a plain copy is limited by memory; below that,
    /// by computation. Only <c>--update-baseline</c> decides this, and the baseline records it.
    /// </summary>
    public const double MemoryBoundShare = 0.5;

    /// <summary>The reference that limits the kernel.</summary>
    public Reference Limit => KernelBytesPerSecond >= MemoryBoundShare * CopyBytesPerSecond ? Reference.Copy : Reference.Compute;

    /// <summary>The kernel's speed relative to <paramref name="reference"/>.</summary>
    public double Figure(Reference reference) =>
        KernelBytesPerSecond / (reference == Reference.Copy ? CopyBytesPerSecond : ComputeStepsPerSecond);
}
