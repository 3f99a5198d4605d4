using System.Text.Json;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// The label volumes and the scipy / numpy / scikit-image oracles of the morphology and regionprops tests, made once
/// per test collection by morphology_oracle.py (see its docstring) in a temp folder.
/// </summary>
public sealed class MorphologyOracle : IDisposable
{
    /// <summary>The 3D volumes with the blobs3d geometry in every integer dtype and bool.</summary>
    public static readonly string[] Dtypes = ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "bool"];

    public MorphologyOracle()
    {
        Fixture = new OperationFixture("morphology-ops-");
        string script = Path.Combine(RepoPaths.Root, "tests", "BioImage.Core.Tests", "Operations", "morphology_oracle.py");
        Python.Run(File.ReadAllText(script), Fixture.Directory);
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture.Directory, "cases.json")));
        Shapes = cases.RootElement.EnumerateObject().ToDictionary(c => c.Name, c => c.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    internal OperationFixture Fixture { get; }

    /// <summary>The shape of every case.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes { get; }

    /// <summary>The mask of the 3D cases (uint8, non-zero inside).</summary>
    public ISource Mask => Source.Open(Path.Combine(Fixture.Directory, "mask.npy"));

    /// <summary>The path of case <paramref name="name"/>'s .npy.</summary>
    public string PathOf(string name) => Path.Combine(Fixture.Directory, name + ".npy");

    /// <summary>The label volume <paramref name="name"/>.</summary>
    public ISource Input(string name) => Source.Open(PathOf(name));

    /// <summary>The oracle array <c>NAME__COLUMN.npy</c> in C order.</summary>
    public T[] Expected<T>(string name, string column)
        where T : unmanaged
    {
        using var data = NpyFile.Read<T>(Path.Combine(Fixture.Directory, $"{name}__{column}.npy"));
        return data.ToArray();
    }

    public RunOptions Options(JobType jobType, int workers, long[]? blockShape, bool masked = false) =>
        Fixture.Options(jobType, workers, blockShape!) with { Mask = masked ? Mask : null };

    public void Dispose() => Fixture.Dispose();
}

/// <summary>The test classes sharing one <see cref="MorphologyOracle"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MorphologyOracleGroup : ICollectionFixture<MorphologyOracle>
{
    public const string Name = "morphology oracle";
}
