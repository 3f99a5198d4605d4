using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>
/// The compute reference: a fixed chain of scalar integer operations (xorshift64*) that touches no memory, so its
/// speed is the core's alone. A run is <see cref="Iterations"/> steps; <see cref="IPreparedOp.Voxels"/> counts them.
/// </summary>
internal sealed class ComputeLoop : IPreparedOp
{
    /// <summary>Steps per run (about a millisecond on our machines).</summary>
    public const int Iterations = 1 << 20;

    private ulong _state = 0x9E3779B97F4A7C15UL;

    public long Voxels => Iterations;

    public void Run(int threads)
    {
        ulong x = _state;
        for (int i = 0; i < Iterations; i++)
        {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x *= 0x2545F4914F6CDD1DUL;
        }

        _state = x;
    }

    public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object> { ["state"] = _state };

    public void Dispose()
    {
    }
}
