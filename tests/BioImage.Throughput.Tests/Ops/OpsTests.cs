using BioImage.Throughput.Ops;

namespace BioImage.Throughput.Tests.Ops;

/// <summary>
/// The harness measures what it claims: every op splits into thread slabs without changing its result, and every
/// op computes what its numpy peer computes (bench/compare.py's agreement check, on a small odd volume).
/// </summary>
public sealed class OpsTests : IDisposable
{
    private static readonly int[] OddShape = [31, 37, 41];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("bioimage-ops-tests-");

    public static TheoryData<string> CaseIds => [.. OpRegistry.Cases.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Splitting_into_thread_slabs_does_not_change_the_result(string id)
    {
        var kernel = OpRegistry.Cases.Single(c => c.Id == id);
        using var workspace = new Workspace(_folder.FullName, OddShape, [kernel.DType]);
        using var op = workspace.Prepare(kernel.Op, kernel.DType);

        op.Run(1);
        var single = op.Result();
        op.Run(3);
        var sliced = op.Result();

        Assert.Equal(single.Keys.Order(), sliced.Keys.Order());
        foreach (var (key, value) in single)
        {
            if (value is double expected)
            {
                Assert.Equal(expected, (double)sliced[key], 1e-12 * Math.Max(1, Math.Abs(expected)));
            }
            else
            {
                Assert.Equal(value, sliced[key]);
            }
        }
    }

    [Fact]
    public void Every_op_agrees_with_its_peer_on_the_same_data()
    {
        string ours = $"dotnet {Path.Combine(AppContext.BaseDirectory, "BioImage.Throughput.dll")}";
        string output = Python.Run(
            "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            Path.Combine(RepoPaths.Root, "bench", "compare.py"),
            "--shape", string.Join(',', OddShape), "--samples", "1", "--warmup-ms", "0", "--bandwidth-mib", "1",
            "--workdir", _folder.FullName, "--ours", ours);

        Assert.Contains($"All {OpRegistry.Cases.Count} outputs agree with the peers.", output, StringComparison.Ordinal);
        foreach (var op in OpRegistry.All)
        {
            Assert.Contains($"| {op.Name} |", output, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
