using BioImage.Samples;
using BioImage.Storage;

namespace BioImage.Core.Tests.Runners;

/// <summary>A scratch folder with a 13×17×19 float32 input volume (.npy), deleted after each test.</summary>
public abstract class RunnerFixture : IDisposable
{
    protected static readonly long[] Shape = [13, 17, 19];

    protected RunnerFixture(string prefix)
    {
        Folder = Directory.CreateTempSubdirectory(prefix).FullName;
        Input = Path.Combine(Folder, "input.npy");
        using var volume = SyntheticVolume.Generate<float>([13, 17, 19], blobCount: 6, seed: 3);
        NpyFile.Write(Input, volume);
    }

    protected string Folder { get; }

    protected string Input { get; }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
