using System.Numerics;

namespace BioImage.Throughput.Ops;

/// <summary>
/// One operation the harness times, under a name shared with its peer in <c>bench/peers.py</c>
/// (the <c>PEERS</c> registry there is keyed by the same <see cref="Name"/>).
/// </summary>
/// <remarks>
/// An op is prepared once per input — outputs allocated and touched, so the runs measure the kernel and not
/// first-touch page faults — and then run many times. To add an op: subclass this, add an instance to
/// <see cref="OpRegistry.All"/>, and add the peer entry with the same name to <c>bench/peers.py</c>.
/// </remarks>
internal abstract class ThroughputOp
{
    /// <summary>Element types every op runs on unless it says otherwise.</summary>
    public static IReadOnlyList<DType> StandardDTypes { get; } = [DType.Float32, DType.UInt8, DType.UInt16];

    /// <summary>The key in both registries, e.g. <c>moments</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Element types the op runs on.</summary>
    public virtual IReadOnlyList<DType> DTypes => StandardDTypes;

    /// <summary>True when more threads can speed the op up (false for whole-file I/O).</summary>
    public virtual bool IsParallel => true;

    /// <summary>
    /// True when the regression gate checks the op: compute kernels are; file I/O is not, because the page cache
    /// made its figures vary from −50 % to +200 % between runs on our shared machines, beyond any useful tolerance.
    /// </summary>
    public virtual bool IsGated => true;

    /// <summary>
    /// The element types the gate checks when <see cref="IsGated"/>: all of <see cref="DTypes"/> unless one run on the
    /// gate's 64 MiB input takes so long that its samples would dominate the gate's time.
    /// </summary>
    public virtual IReadOnlyList<DType> GatedDTypes => DTypes;

    /// <summary>Bytes read plus bytes written per voxel, to relate the op's speed to the memory bandwidth.</summary>
    public abstract int BytesPerVoxel(int itemSize);

    /// <summary>Values the op and its peer share (a threshold, a region), sent to the peer as they are.</summary>
    public virtual IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) => new Dictionary<string, object>();

    /// <summary>Allocates the op's outputs for <paramref name="input"/>; the result is run many times.</summary>
    public abstract IPreparedOp Prepare<T>(OpInput<T> input)
        where T : unmanaged, INumber<T>;
}

/// <summary>An op bound to one input with its outputs allocated.</summary>
internal interface IPreparedOp : IDisposable
{
    /// <summary>Voxels one run processes (Mvox/s are counted on these).</summary>
    long Voxels { get; }

    /// <summary>Runs the op once, on <paramref name="threads"/> threads.</summary>
    void Run(int threads);

    /// <summary>
    /// What the last run produced, as the peer reports it: numbers (compared to a relative tolerance) and
    /// SHA-256 digests of output arrays (compared exactly).
    /// </summary>
    IReadOnlyDictionary<string, object> Result();
}

/// <summary>The input of an op: the volume in memory, the .npy file it came from, and a folder for outputs.</summary>
/// <param name="Volume">The sample volume.</param>
/// <param name="Path">The .npy file holding it (what the peer loads).</param>
/// <param name="WorkDir">Where the op may write files.</param>
internal sealed record OpInput<T>(NdArray<T> Volume, string Path, string WorkDir)
    where T : unmanaged;
