using System.Text.Json;
using BioImage.Cli.Tests.Drills;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage stitch-tiles</c> and <c>bioimage stitch-segmentation</c> as a user runs them (the built <c>bioimage</c>
/// as its own process; the per-tile segmenter from tests/BioImage.Filters.Sample): boxes cut into tiles with their own
/// ids stitch back to the boxes on worker processes; Voronoi cells segmented tile by tile on the real Slurm cluster
/// give the cells and the same bytes as threads; a run whose tile fails resumes with --resume-from to the clean run's
/// bytes; every refusal exits 2 before anything is written and names the option.
/// </summary>
public sealed class StitchCommandsTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np, scipy.ndimage as ndi
        folder = sys.argv[1]
        rng = np.random.default_rng(3)
        gt = np.zeros((20, 30, 28), np.uint32)
        label = 0
        for _ in range(500):
            b = [int(rng.integers(0, s - 3)) for s in gt.shape]
            e = [min(x + int(rng.integers(3, s // 2)), s) for x, s in zip(b, gt.shape)]
            if gt[tuple(slice(max(x - 1, 0), y + 1) for x, y in zip(b, e))].any():
                continue
            label += 1
            gt[tuple(slice(x, y) for x, y in zip(b, e))] = label
            if label == 8:
                break
        seg = np.zeros(gt.shape, np.uint32); nxt = 0
        for z in range(0, 20, 8):
            for y in range(0, 30, 10):
                for x in range(0, 28, 8):
                    sl = (slice(z, z + 8), slice(y, y + 10), slice(x, x + 8))
                    lab, n = ndi.label(gt[sl] > 0)
                    seg[sl] = np.where(lab > 0, lab + nxt, 0); nxt += n
        np.save(folder + '/boxes.gt.npy', gt); np.save(folder + '/boxes.npy', seg)
        shape = (24, 30, 32)
        points = rng.uniform(0, 1, (8, 3)) * np.array(shape)
        grid = np.indices(shape).reshape(3, -1).T + 0.5
        d = np.sort(np.sqrt(((grid[:, None, :] - points[None]) ** 2).sum(-1)), 1)
        margin = ((d[:, 1] - d[:, 0]) / 2).reshape(shape).astype(np.float32)
        np.save(folder + '/cells.npy', margin); np.save(folder + '/cells.gt.npy', ndi.label(margin > 1.5)[0].astype(np.uint32))
        """;

    private const string SamePartition = """
        import sys, numpy as np, zarr
        gt = np.load(sys.argv[1]).astype(np.int64); out = zarr.open(sys.argv[2], mode='r')[...]
        pairs = np.unique(np.stack([gt.ravel(), out.ravel().astype(np.int64)]), axis=1)
        same = len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))
        print('ok' if same and out.dtype == np.uint64 and len(np.unique(gt)) > 2 else f'differ: {pairs.shape[1]} pairs of {len(np.unique(gt))} and {len(np.unique(out))} labels')
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-stitch-").FullName;

    public StitchCommandsTests()
    {
        Python.Run(MakeInputs, _folder);
        File.WriteAllText(P("slurm.toml"), DrillInputs.SlurmConfigText(throttle: null));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    private string Tmp => Directory.CreateDirectory(P("tmp")).FullName;

    private string[] Segmentation(string output, string segmenter = "BioImage.Filters.Sample.ThresholdComponents", params string[] settings) =>
        ["stitch-segmentation", P("cells.npy"), output, "--assembly", SegmentationFilterCommandTests.SampleLibrary, "--segmenter", segmenter, "--set", "Threshold=1.5", .. settings,
         "--tile-shape", "12,10,16", "--overlap", "3", "--block-shape", "12,15,16", "--chunks", "12,15,16", "--zarr-format", "2", "--workers", "2"];

    [Fact]
    public void Stitch_tiles_on_worker_processes_gives_the_boxes_back()
    {
        var result = Run(["stitch-tiles", P("boxes.npy"), P("boxes.zarr"), "--tile-shape", "8,10,8", "--block-shape", "10,10,14", "--chunks", "10,10,14", "--zarr-format", "2", "--job-type", "subprocess", "--workers", "2", "--tmp-root", Tmp, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Output);
        Assert.Equal("stitch-tiles", report.RootElement.GetProperty("operation").GetString());
        Assert.Equal(36, report.RootElement.GetProperty("tiles").GetInt32());
        Assert.Equal("ok", Python.Run(SamePartition, P("boxes.gt.npy"), P("boxes.zarr")).Trim());
        Assert.Empty(Directory.GetFileSystemEntries(Tmp));
    }

    [Fact]
    public void Stitch_segmentation_on_slurm_gives_the_cells_and_the_bytes_of_threads()
    {
        var local = Run([.. Segmentation(P("local.zarr")), "--quiet"]);
        Assert.True(local.ExitCode == 0, local.ToString());
        var slurm = Run([.. Segmentation(P("slurm.zarr")), "--job-type", "slurm", "--tmp-root", Tmp, "--json"]);
        Assert.True(slurm.ExitCode == 0, slurm.ToString());
        using var report = JsonDocument.Parse(slurm.Output);
        Assert.Equal(12, report.RootElement.GetProperty("tiles").GetInt32());
        Assert.Equal("ok", Python.Run(SamePartition, P("cells.gt.npy"), P("slurm.zarr")).Trim());
        AssertSameFiles(P("local.zarr"), P("slurm.zarr"));
        Assert.Empty(Directory.GetFileSystemEntries(Tmp));
    }

    [Fact]
    public void A_run_whose_tile_fails_resumes_to_the_bytes_of_a_clean_run()
    {
        var clean = Run([.. Segmentation(P("clean.zarr")), "--quiet"]);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        File.WriteAllText(P("fail"), string.Empty);
        string[] failing = [.. Segmentation(P("resumed.zarr"), "BioImage.Filters.Sample.FailingThresholdComponents", "--set", "FailingTile=7", "--set", $"FailWhile={P("fail")}"), "--job-type", "subprocess", "--tmp-root", Tmp];
        var failed = Run(failing);
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("stitch-segmentation: pass 1/4 (segment) failed", failed.Error, StringComparison.Ordinal);
        string run = Directory.GetDirectories(Tmp).Single();
        Assert.Contains($"--resume-from {run}", failed.Error, StringComparison.Ordinal);

        File.Delete(P("fail"));
        var resumed = Run([.. failing, "--resume-from", run, "--json"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using var report = JsonDocument.Parse(resumed.Output);
        Assert.Equal(run, report.RootElement.GetProperty("resumedFrom").GetString());
        AssertSameFiles(P("clean.zarr"), P("resumed.zarr"));
        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [InlineData("--tile-shape must give 3 positive extents", "stitch-tiles", "--tile-shape", "8,8")]
    [InlineData("--overlap must be from 1 to the smallest tile extent (4)", "stitch-tiles", "--tile-shape", "8,4,8", "--overlap", "5")]
    [InlineData("--beta must be in (0, 1)", "stitch-tiles", "--tile-shape", "8,8,8", "--beta", "1")]
    [InlineData("Pass either --with-background or --no-background", "stitch-tiles", "--tile-shape", "8,8,8", "--with-background", "--no-background")]
    [InlineData("Option '--tile-shape' is required", "stitch-tiles")]
    [InlineData("--segmenter: name the segmenter to run; the segmenters in", "stitch-segmentation", "--tile-shape", "8,8,8", "--overlap", "2")]
    [InlineData("--segmenter: BioImage.Filters.Sample.ZeroLabelsBelow is not a BioImage.Operations.TileSegmenter", "stitch-segmentation", "--segmenter", "BioImage.Filters.Sample.ZeroLabelsBelow", "--tile-shape", "8,8,8", "--overlap", "2")]
    [InlineData("--overlap needs one value or 3 (one per axis)", "stitch-segmentation", "--segmenter", "BioImage.Filters.Sample.ThresholdComponents", "--tile-shape", "8,8,8", "--overlap", "1,2")]
    [InlineData("--set Radius: BioImage.Filters.Sample.ThresholdComponents has no settable property Radius", "stitch-segmentation", "--segmenter", "BioImage.Filters.Sample.ThresholdComponents", "--set", "Radius=2", "--tile-shape", "8,8,8", "--overlap", "2")]
    public void Refusals_exit_2_before_anything_is_written_and_name_the_option(string expected, string verb, params string[] options)
    {
        string[] input = verb == "stitch-tiles" ? [P("boxes.npy")] : [P("cells.npy"), "--assembly", SegmentationFilterCommandTests.SampleLibrary];
        var result = Run([verb, input[0], P("refused.zarr"), .. input[1..], .. options]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("refused.zarr")), "a refused run wrote its output");
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var files = Directory.GetFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order(StringComparer.Ordinal));
        Assert.All(files, file => Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs"));
    }

    private CliResult Run(string[] arguments) =>
        CliProcess.Run(arguments, new Dictionary<string, string?> { ["BIOIMAGE_CONFIG"] = P("slurm.toml") }, Timeout);
}
