using System.Globalization;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage evaluate --table F.csv --object-vi F.csv</c> as a user runs it on an odd 9×11×13 int64 segmentation
/// (negative labels: uint64 bit patterns, as numpy's astype) and uint16 ground truth: the contingency table equals
/// numpy's unique pairs (sorted by label_a then label_b) character for character, the object VI equals a brute force
/// over the voxels with collections.Counter (ignore labels, bits and nats, a mask), the files are the same byte for byte
/// block-wise and whole, on local threads, worker processes and Slurm; paths that cannot be written are refused
/// (exit 2, naming the option) before any block runs.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class EvaluateTablesTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        rng = np.random.default_rng(9)
        f = sys.argv[1]
        z, y, x = np.indices((9, 11, 13))
        gt = ((z // 3) * 16 + (y // 4) * 4 + x // 5).astype(np.uint16)
        gt[rng.random(gt.shape) < 0.2] = 0
        seg = ((z // 3) * 16 + ((y + 1) // 4) * 4 + x // 7).astype(np.int64)
        seg[rng.random(seg.shape) < 0.05] = -5
        np.save(f + "/seg.npy", seg)
        np.save(f + "/gt.npy", gt)
        np.save(f + "/mask.npy", rng.random(gt.shape) > 0.25)
        """;

    private const string TableOracle = """
        import sys, numpy as np
        seg, gt = np.load(sys.argv[1]), np.load(sys.argv[2])
        if sys.argv[3] != "-":
            m = np.load(sys.argv[3]).astype(bool)
            seg, gt = seg[m], gt[m]
        pairs, counts = np.unique(np.stack([seg.ravel().astype(np.uint64), gt.ravel().astype(np.uint64)], axis=1), axis=0, return_counts=True)
        print("label_a,label_b,count")
        for (a, b), c in zip(pairs.tolist(), counts.tolist()):
            print(f"{a},{b},{c}")
        """;

    private const string ObjectViOracle = """
        import sys, math, numpy as np
        from collections import Counter
        seg, gt = np.load(sys.argv[1]).astype(np.uint64).ravel(), np.load(sys.argv[2]).astype(np.uint64).ravel()
        def labels(text):  # as uint64 bit patterns, like the volumes
            return np.array([int(v) for v in text.split(",")], np.int64).astype(np.uint64)
        keep = ~np.isin(seg, labels(sys.argv[3])) if sys.argv[3] != "-" else np.ones(seg.shape, bool)
        keep &= ~np.isin(gt, labels(sys.argv[4])) if sys.argv[4] != "-" else True
        if sys.argv[5] != "-":
            keep &= np.load(sys.argv[5]).astype(bool).ravel()
        log = math.log2 if sys.argv[6] == "bits" else math.log
        a, b = seg[keep].tolist(), gt[keep].tolist()
        pairs, sa, sb = Counter(zip(a, b)), Counter(a), Counter(b)
        for j in sorted(sb):
            split = -sum(c / sb[j] * log(c / sa[i]) for (i, g), c in pairs.items() if g == j)
            merge = -sum(c / sb[j] * log(c / sb[j]) for (i, g), c in pairs.items() if g == j)
            print(f"{j} {split!r} {merge!r}")
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-evaluate-tables-").FullName;

    public EvaluateTablesTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false, "-", "0", false)]
    [InlineData(true, "-5", "0", false)]
    [InlineData(false, "-", "-", true)]
    public void Tables_equal_numpy_and_a_brute_force_block_wise_and_whole(bool masked, string ignoreSeg, string ignoreGt, bool naturalLog)
    {
        string mask = masked ? In("mask") : "-";
        string table = Out("table.csv"), objectVi = Out("object_vi.csv");
        string[] common =
        [
            "evaluate", In("seg"), In("gt"), "--metrics", "vi", "--table", table, "--object-vi", objectVi, "--quiet",
            .. masked ? ["--mask", mask] : Array.Empty<string>(),
            .. ignoreSeg == "-" ? Array.Empty<string>() : [$"--ignore-seg={ignoreSeg}"],
            .. ignoreGt == "-" ? Array.Empty<string>() : ["--ignore-gt", ignoreGt],
            .. naturalLog ? ["--natural-log"] : Array.Empty<string>(),
        ];
        Run([.. common, "--block-shape", "9,11,13", "--workers", "1"]);
        string wholeTable = File.ReadAllText(table), wholeVi = File.ReadAllText(objectVi);
        Assert.Equal(Python.Run(TableOracle, In("seg"), In("gt"), mask), wholeTable);
        AssertObjectVi(Python.Run(ObjectViOracle, In("seg"), In("gt"), ignoreSeg, ignoreGt, mask, naturalLog ? "nats" : "bits"), wholeVi);

        Run([.. common, "--block-shape", "4,5,6", "--workers", "2"]);
        Assert.Equal(wholeTable, File.ReadAllText(table));
        Assert.Equal(wholeVi, File.ReadAllText(objectVi));
    }

    [Fact]
    public void Worker_processes_and_Slurm_write_the_same_files()
    {
        string[] common = ["evaluate", In("seg"), In("gt"), "--mask", In("mask"), "--ignore-gt", "0", "--block-shape", "4,5,6", "--quiet", "--tmp-root", Out("tmp")];
        Run([.. common, "--table", Out("local-table.csv"), "--object-vi", Out("local-vi.csv")]);
        foreach (string backend in new[] { "subprocess", "slurm" })
        {
            Run([.. common, "--job-type", backend, "--workers", "3", "--table", Out($"{backend}-table.csv"), "--object-vi", Out($"{backend}-vi.csv")]);
            Assert.Equal(File.ReadAllBytes(Out("local-table.csv")), File.ReadAllBytes(Out($"{backend}-table.csv")));
            Assert.Equal(File.ReadAllBytes(Out("local-vi.csv")), File.ReadAllBytes(Out($"{backend}-vi.csv")));
        }
    }

    [Theory]
    [InlineData("--table")]
    [InlineData("--object-vi")]
    public void Paths_that_cannot_be_written_are_refused_before_any_block_runs(string option)
    {
        foreach (string path in new[] { Path.Combine(_folder, "missing", "t.csv"), _folder })
        {
            var (code, output, error) = CliTests.Run("evaluate", In("seg"), In("gt"), option, path, "--json");
            Assert.Equal(2, code);
            Assert.Empty(output);
            Assert.Contains($"{option} must name a file in an existing folder", error, StringComparison.Ordinal);
            Assert.DoesNotContain("blocks", error, StringComparison.Ordinal);
        }
    }

    private static void AssertObjectVi(string expected, string csv)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("label,vi_split,vi_merge", lines[0]);
        var rows = expected.TrimEnd('\n').Split('\n');
        Assert.Equal(rows.Length, lines.Length - 1);
        for (int i = 0; i < rows.Length; i++)
        {
            var want = rows[i].Split(' ');
            var got = lines[i + 1].Split(',');
            Assert.Equal(want[0], got[0]);
            for (int c = 1; c <= 2; c++)
            {
                double w = double.Parse(want[c], CultureInfo.InvariantCulture), g = double.Parse(got[c], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(w - g) <= 1e-12 * Math.Max(1, Math.Abs(w)), $"label {want[0]}, column {c}: expected {w:R}, got {g:R}");
            }
        }
    }

    private static void Run(string[] args)
    {
        var (code, _, error) = CliTests.Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
    }

    private string In(string name) => Path.Combine(_folder, name + ".npy");

    private string Out(string name) => Path.Combine(_folder, name);
}
