using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace BioImage.Benchmarks;

/// <summary>
/// Base of the suites that work on one seeded sample volume per shape: the <see cref="Shape"/> parameter
/// (<see cref="VolumeShape.Standard"/>), the volume, and hooks for each suite's reused outputs.
/// </summary>
/// <typeparam name="T">Element type of the volume.</typeparam>
public abstract class VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>The shapes to run.</summary>
    public static IEnumerable<VolumeShape> Shapes => VolumeShape.Standard;

    /// <summary>The shape of this run.</summary>
    [ParamsSource(nameof(Shapes))]
    public VolumeShape Shape { get; set; } = VolumeShape.Standard[0];

    /// <summary>The seeded input volume.</summary>
    protected NdArray<T> Volume { get; private set; } = null!;

    /// <summary>Creates the volume, then the suite's outputs (allocated and touched once, reused by every call).</summary>
    [GlobalSetup]
    public void Setup()
    {
        Volume = SampleVolumes.Create<T>(Shape.Extents);
        SetupOutputs();
    }

    /// <summary>Releases the volume and the suite's outputs.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupOutputs();
        Volume.Dispose();
    }

    /// <summary>Allocates what the suite writes to; called once after the volume exists.</summary>
    protected virtual void SetupOutputs()
    {
    }

    /// <summary>Releases what <see cref="SetupOutputs"/> allocated.</summary>
    protected virtual void CleanupOutputs()
    {
    }
}
