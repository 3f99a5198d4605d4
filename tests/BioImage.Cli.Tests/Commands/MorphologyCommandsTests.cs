using System.Text.Json;
using BioImage.Cli.Tests.Drills;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage morphology</c> as a user runs it — the built program as its own process — on an odd 9×11×13 labelling
/// with blocks that divide no axis: the CSV it writes equals scipy.ndimage's find_objects, center_of_mass and
/// sum_labels (checked by the oracle script reading the CSV), on threads and worker processes, with a mask.
/// </summary>
public sealed class MorphologyCommandsTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(8)
        f = sys.argv[1]
        lab = ndi.label(ndi.gaussian_filter(rng.random((9, 11, 13)), 1.0) > 0.52)[0].astype(np.uint64)
        lab[lab > 0] += np.uint64(2**54)  # ids above 2**53: distinct as uint64, not as float64
        np.save(f + '/labels.npy', lab)
        np.save(f + '/mask.npy', (np.indices((9, 11, 13)).sum(0) % 3 != 0).astype(np.uint8))
        np.save(f + '/negative.npy', np.array([[0, -1], [2, 2]], np.int16))
        np.save(f + '/floats.npy', np.ones((3, 4), np.float32))
        cells = (np.arange(24)[:, None, None] // 2 * 900 + np.arange(60)[None, :, None] // 2 * 30 + np.arange(60)[None, None, :] // 2 + 1)
        np.save(f + '/cells.npy', np.where(rng.random((24, 60, 60)) < 0.7, cells, 0).astype(np.uint32))  # 10,800 objects
        """;

    /// <summary>Checks a morphology CSV (argv 2) against scipy on labels.npy (optionally under mask.npy, argv 3 = 1).</summary>
    private const string CheckCsv = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        f, csv, masked = sys.argv[1], sys.argv[2], sys.argv[3] == '1'
        lab = np.load(f + '/labels.npy')
        if masked:
            lab = np.where(np.load(f + '/mask.npy') != 0, lab, 0)
        header = open(csv).readline().strip()
        assert header == 'label,size,com_z,com_y,com_x,bb_min_z,bb_min_y,bb_min_x,bb_max_z,bb_max_y,bb_max_x', header
        rows = [line.strip().split(',') for line in open(csv).readlines()[1:]]
        labels = np.array([int(r[0]) for r in rows], np.uint64)
        ids = np.unique(lab[lab != 0])
        assert (labels == ids).all(), (labels, ids)
        dense = np.searchsorted(ids, lab) + 1
        dense[lab == 0] = 0
        n = np.arange(1, ids.size + 1)
        ones = np.ones(lab.shape)
        assert [int(r[1]) for r in rows] == list(ndi.sum_labels(ones, dense, n).astype(int))
        com = np.array(ndi.center_of_mass(ones, dense, n))
        assert (np.array([[float(v) for v in r[2:5]] for r in rows]) == com).all()
        boxes = [[s.start for s in b] + [s.stop for s in b] for b in ndi.find_objects(dense)]
        assert [[int(v) for v in r[5:]] for r in rows] == boxes
        print(len(rows))
        """;

    /// <summary>Checks a regionprops CSV (argv 2) of labels.npy at resolution argv 3 against bioimage-py's formulas (numpy, scipy's EDT).</summary>
    private const string CheckFeatures = """
        import sys, math, numpy as np
        from scipy import ndimage as ndi
        from skimage.measure import marching_cubes, mesh_surface_area
        f, csv, res = sys.argv[1], sys.argv[2], np.array([float(v) for v in sys.argv[3].split(',')])
        lab = np.load(f + '/labels.npy')
        lines = open(csv).read().split()
        surface = lines[0].endswith(',surface_area')
        assert lines[0] == 'label,n_voxels,area,extent,equivalent_diameter_area,axis_major_length,axis_minor_length,centroid_z,centroid_y,centroid_x,bb_min_z,bb_min_y,bb_min_x,bb_max_z,bb_max_y,bb_max_x' + (',surface_area' if surface else ''), lines[0]
        rows = [line.split(',') for line in lines[1:]]
        assert [int(r[0]) for r in rows] == [int(v) for v in np.unique(lab[lab != 0])]
        for r in rows:
            label, lo, hi = np.uint64(int(r[0])), np.array([int(v) for v in r[10:13]]), np.array([int(v) for v in r[13:16]])
            mask = lab[tuple(slice(a, b) for a, b in zip(lo, hi))] == label
            coords = np.argwhere(mask)
            n = len(coords)
            x = coords * res
            xc = x - x.mean(0)
            cov = xc.T @ xc / n
            ev = np.sort(np.clip(np.linalg.eigvalsh(np.trace(cov) * np.eye(3) - cov), 0, None))[::-1]
            major2, minor2 = max(0, 10 * (ev[0] + ev[1] - ev[2])), max(0, 10 * (-ev[0] + ev[1] + ev[2]))
            v = [float(c) for c in r[1:10]]
            if surface:
                verts, faces, _, _ = marching_cubes(np.pad(mask, 1).astype(np.float32), level=0.5, spacing=tuple(res))
                assert math.isclose(float(r[16]), mesh_surface_area(verts, faces), rel_tol=1e-12 if (res != 1).any() else 1e-6)
            assert v[0] == n and math.isclose(v[1], n * res.prod(), rel_tol=1e-12) and math.isclose(v[2], n / (hi - lo).prod(), rel_tol=1e-12)
            assert math.isclose(v[3], (6 * n * res.prod() / math.pi) ** (1 / 3), rel_tol=1e-12)
            assert abs(v[4] ** 2 - major2) <= 1e-12 * max(1, major2) and abs(v[5] ** 2 - minor2) <= 1e-12 * max(1, major2), (v[4:6], major2, minor2)
            com = (coords + lo).mean(0)
            rounded = np.round(com - lo).astype(int)
            if np.all(rounded < mask.shape) and mask[tuple(rounded)]:
                assert np.allclose(v[6:9], com * res, rtol=1e-12, atol=0)
            else:
                dt = ndi.distance_transform_edt(mask, sampling=res)
                assert v[6:9] == list((np.array(np.unravel_index(np.argmax(dt), mask.shape)) + lo) * res)
        print(len(rows))
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-morph-").FullName;

    public MorphologyCommandsTests()
    {
        Python.Run(MakeInput, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("local", false)]
    [InlineData("local", true)]
    [InlineData("subprocess", true)]
    public void Csv_and_json_equal_scipy(string jobType, bool masked)
    {
        string csv = P($"table-{jobType}-{masked}.csv");
        string[] mask = masked ? ["--mask", P("mask.npy")] : [];
        var result = CliProcess.Run(["morphology", P("labels.npy"), "--csv", csv, "--block-shape", "4,5,6", "--workers", "2", "--job-type", jobType, "--json", .. mask], new Dictionary<string, string?>(), Timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        int rows = int.Parse(Python.Run(CheckCsv, _folder, csv, masked ? "1" : "0").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rows > 3);

        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal("morphology", root.GetProperty("operation").GetString());
        Assert.Equal(rows, root.GetProperty("objects").GetInt32());
        var labels = root.GetProperty("columns").GetProperty("label").EnumerateArray().Select(l => l.GetUInt64()).ToArray();
        Assert.Equal(File.ReadAllLines(csv).Skip(1).Select(l => ulong.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)), labels);
        Assert.All(labels, l => Assert.True(l > 1UL << 54));
    }

    [Theory]
    [InlineData("local", "1,1,1")]
    [InlineData("subprocess", "2,1,1.5")]
    public void Regionprops_from_a_morphology_csv_equals_bioimage_py_formulas(string jobType, string resolution)
    {
        string table = P($"objects-{jobType}.csv"), features = P($"features-{jobType}.csv");
        Assert.Equal(0, CliProcess.Run(["morphology", P("labels.npy"), "--csv", table, "--block-shape", "4,5,6", "--quiet"], new Dictionary<string, string?>(), Timeout).ExitCode);
        var result = CliProcess.Run(["regionprops", P("labels.npy"), "--table", table, "--resolution", resolution, "--surface", "--csv", features, "--workers", "2", "--job-type", jobType, "--json"], new Dictionary<string, string?>(), Timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        string rows = Python.Run(CheckFeatures, _folder, features, resolution).Trim();
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(rows, json.RootElement.GetProperty("objects").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["morphology", "objects"], CliProcess.Run(["regionprops", P("labels.npy"), "--json", "--item-ids", "0,2"], new Dictionary<string, string?>(), Timeout) is var direct && direct.ExitCode == 0
            ? JsonDocument.Parse(direct.Output).RootElement.GetProperty("passes").EnumerateArray().Select(p => p.GetString()!).ToArray()
            : throw new InvalidOperationException(direct.ToString()));

        var bad = CliProcess.Run(["regionprops", P("labels.npy"), "--resolution", "1,1"], new Dictionary<string, string?>(), Timeout);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--resolution needs 3 positive values", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Regionprops_interrupted_in_its_objects_pass_resumes_to_the_clean_result()
    {
        string tmp = Directory.CreateDirectory(P("tmp-resume")).FullName, clean = P("clean.csv"), resumed = P("resumed.csv");
        string[] run = ["regionprops", P("cells.npy"), "--block-shape", "8,20,20", "--workers", "2"];
        Assert.Equal(0, CliProcess.Run([.. run, "--csv", clean, "--quiet"], new Dictionary<string, string?>(), Timeout).ExitCode);

        using var process = CliProcess.Start([.. run, "--csv", resumed, "--job-type", "subprocess", "--tmp-root", tmp], new Dictionary<string, string?>());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!process.ErrorSoFar.Contains("pass 2/2 (objects)", StringComparison.Ordinal) && !process.HasExited && clock.Elapsed < Timeout)
        {
            Thread.Sleep(20);
        }

        using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        var interrupted = process.Wait(Timeout);
        Assert.True(interrupted.ExitCode == 1, interrupted.ToString());
        string folder = Directory.GetDirectories(tmp).Single();
        Assert.Contains($"--resume-from {folder}", interrupted.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(resumed));

        var finished = CliProcess.Run([.. run, "--csv", resumed, "--resume-from", folder, "--json"], new Dictionary<string, string?>(), Timeout);
        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Equal(folder, JsonDocument.Parse(finished.Output).RootElement.GetProperty("resumedFrom").GetString());
        Assert.Equal(File.ReadAllText(clean), File.ReadAllText(resumed));
        Assert.Equal(10801, File.ReadAllLines(clean).Length);
    }

    [Fact]
    public void Text_report_bad_input_and_negative_labels()
    {
        var text = CliProcess.Run(["morphology", P("labels.npy"), "--block-shape", "4,5,6", "--quiet"], new Dictionary<string, string?>(), Timeout);
        Assert.Equal(0, text.ExitCode);
        Assert.Empty(text.Output);
        var line = CliProcess.Run(["morphology", P("labels.npy")], new Dictionary<string, string?>(), Timeout);
        Assert.Contains(" objects, labels 18014398509481985 to ", line.Output, StringComparison.Ordinal);

        var floats = CliProcess.Run(["morphology", P("floats.npy")], new Dictionary<string, string?>(), Timeout);
        Assert.Equal(2, floats.ExitCode);
        Assert.Contains("integer dtype", floats.Error, StringComparison.Ordinal);

        var folder = CliProcess.Run(["morphology", P("labels.npy"), "--csv", P("missing/table.csv")], new Dictionary<string, string?>(), Timeout);
        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("--csv must name a file in an existing folder", folder.Error, StringComparison.Ordinal);

        var negative = CliProcess.Run(["morphology", P("negative.npy")], new Dictionary<string, string?>(), Timeout);
        Assert.Equal(1, negative.ExitCode);
        Assert.Contains("labels ≥ 0", negative.Error, StringComparison.Ordinal);
    }
}
