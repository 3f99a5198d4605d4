using System.Globalization;
using System.Numerics;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// The inputs and numpy / bioimage-py / scikit-image oracles of the label operation tests, made once per test
/// collection by label_oracle.py (see its docstring) in a temp folder; values compare as decimal strings, exact for
/// every integer dtype.
/// </summary>
public sealed class LabelOracle : IDisposable
{
    /// <summary>The label volumes: every label dtype, an all-zero volume and one without background.</summary>
    public static readonly string[] Names = ["uint8", "uint16", "uint32", "uint64", "int32", "int64", "uint32-zeros", "uint16-nozero"];

    public LabelOracle()
    {
        Fixture = new OperationFixture("label-ops-");
        string script = Path.Combine(RepoPaths.Root, "tests", "BioImage.Core.Tests", "Operations", "label_oracle.py");
        Python.Run(File.ReadAllText(script), Fixture.Directory, string.Join(',', Names));
    }

    internal OperationFixture Fixture { get; }

    public static TheoryData<string> AllNames() => [.. Names];

    /// <summary>The input volume <paramref name="name"/> (a .npy source).</summary>
    public ISource Input(string name) => Source.Open(Path.Combine(Fixture.Directory, name + ".npy"));

    /// <summary>The mask (uint8, non-zero inside).</summary>
    public ISource Mask => Source.Open(Path.Combine(Fixture.Directory, "mask.npy"));

    /// <summary>The oracle array <c>NAME__CASE.npy</c> as strings.</summary>
    public string[] Expected(string name, string @case) => Strings(Source.Open(Path.Combine(Fixture.Directory, $"{name}__{@case}.npy")));

    /// <summary>True when the oracle <c>NAME__CASE.npy</c> exists.</summary>
    public bool Has(string name, string @case) => File.Exists(Path.Combine(Fixture.Directory, $"{name}__{@case}.npy"));

    /// <summary>The size-filter bounds the oracle used: two of the occurring sizes.</summary>
    public (long Min, long Max) Bounds(string name, bool masked)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture.Directory, $"{name}__bounds{(masked ? "_masked" : "")}.json")));
        return (json.RootElement.GetProperty("min").GetInt64(), json.RootElement.GetProperty("max").GetInt64());
    }

    /// <summary>A new Zarr output of the input's shape, chunked like the blocks.</summary>
    public ChunkedSource Output(string name, DType dtype, long[] blockShape) =>
        Fixture.Output(name + "-" + Guid.NewGuid().ToString("N")[..8], [.. OperationFixture.Shape.Select(e => (long)e)], dtype, [.. blockShape.Select(e => (int)e)]);

    public RunOptions Options(JobType jobType, int workers, long[] blockShape, bool masked = false) =>
        Fixture.Options(jobType, workers, blockShape) with { Mask = masked ? Mask : null };

    /// <summary>Every voxel of <paramref name="source"/> in C order as invariant decimal strings.</summary>
    public static string[] Strings(ISource source) => source.DType.Dispatch(new ReadStrings(source));

    /// <summary>The elements of a typed array as invariant decimal strings.</summary>
    public static string[] Strings(Array values) => [.. values.Cast<IFormattable>().Select(v => v.ToString(null, CultureInfo.InvariantCulture))];

    public void Dispose() => Fixture.Dispose();

    private sealed class ReadStrings(ISource source) : IDTypeFunc<string[]>
    {
        public string[] Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var data = BlockData.Read<T>(source, Region.FromShape([.. source.Shape]));
            return [.. data.ToArray().Select(v => v.ToString(null, CultureInfo.InvariantCulture))];
        }
    }
}

/// <summary>The test classes sharing one <see cref="LabelOracle"/>.</summary>
[CollectionDefinition(Name)]
public sealed class LabelOracleGroup : ICollectionFixture<LabelOracle>
{
    public const string Name = "label oracle";
}
