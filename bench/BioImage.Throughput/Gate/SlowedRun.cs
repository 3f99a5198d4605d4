using BioImage.Throughput.Ops;

namespace BioImage.Throughput.Gate;

/// <summary>
/// The gate's self-test: wraps one kernel so that every measured run executes it <paramref name="factor"/> times,
/// as a kernel would look after a <paramref name="factor"/>× regression. Only the gate creates it
/// (<c>--slow-kernel</c>); the kernels know nothing of it.
/// </summary>
internal sealed class SlowedRun(IPreparedOp inner, int factor) : IPreparedOp
{
    public long Voxels => inner.Voxels;

    public void Run(int threads)
    {
        for (int i = 0; i < factor; i++)
        {
            inner.Run(threads);
        }
    }

    public IReadOnlyDictionary<string, object> Result() => inner.Result();

    public void Dispose() => inner.Dispose();
}
