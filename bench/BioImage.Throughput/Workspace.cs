using System.Numerics;
using BioImage.Benchmarks;
using BioImage.Storage;
using BioImage.Throughput.Ops;

namespace BioImage.Throughput;

/// <summary>
/// The data of one harness run: the seeded sample volume (<see cref="SampleVolumes"/>) generated once per element
/// type, kept in memory and written to <c>volume-ZxYxX-DTYPE.npy</c> in a folder, where the peers
/// load exactly the same voxels.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private readonly Dictionary<DType, IDisposable> _volumes = [];

    /// <summary>Generates the volume of <paramref name="shape"/> in every one of <paramref name="dtypes"/> into <paramref name="folder"/>.</summary>
    public Workspace(string folder, IReadOnlyList<int> shape, IEnumerable<DType> dtypes)
    {
        Folder = Directory.CreateDirectory(folder).FullName;
        Shape = shape;
        foreach (var dtype in dtypes.Distinct())
        {
            _volumes[dtype] = dtype.Dispatch(new Generate(this));
        }
    }

    public string Folder { get; }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>The .npy file holding the volume as <paramref name="dtype"/>.</summary>
    public string PathOf(DType dtype) => Path.Combine(Folder, $"volume-{string.Join('x', Shape)}-{dtype.NumpyName()}.npy");

    /// <summary>Prepares <paramref name="op"/> on the volume as <paramref name="dtype"/>.</summary>
    public IPreparedOp Prepare(ThroughputOp op, DType dtype) => dtype.Dispatch(new PrepareOp(this, op, dtype));

    public void Dispose()
    {
        foreach (var volume in _volumes.Values)
        {
            volume.Dispose();
        }
    }

    private sealed class Generate(Workspace workspace) : IDTypeFunc<IDisposable>
    {
        public IDisposable Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var volume = SampleVolumes.Create<T>([.. workspace.Shape]);
            NpyFile.Write(workspace.PathOf(volume.DType), volume);
            return volume;
        }
    }

    private sealed class PrepareOp(Workspace workspace, ThroughputOp op, DType dtype) : IDTypeFunc<IPreparedOp>
    {
        public IPreparedOp Invoke<T>()
            where T : unmanaged, INumber<T> =>
            op.Prepare(new OpInput<T>((NdArray<T>)workspace._volumes[dtype], workspace.PathOf(dtype), workspace.Folder));
    }
}
