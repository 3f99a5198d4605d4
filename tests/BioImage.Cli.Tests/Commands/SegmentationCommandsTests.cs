using System.Text.Json;
using BioImage.Cli;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage watershed</c>, <c>distance-transform</c> and <c>dt-watershed</c> as a user runs them on an odd 9×11×13 volume with
/// blocks that divide no axis: skimage.segmentation.watershed and scipy's distance_transform_edt are the oracles.
/// </summary>
public sealed class SegmentationCommandsTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(5)
        f = sys.argv[1]
        h = ndi.gaussian_filter(rng.random((9, 11, 13)), 1.5) + rng.random((9, 11, 13)) * 1e-3
        np.save(f + '/heights.npy', h.astype(np.float32))
        seeds = np.zeros((9, 11, 13), np.uint32)
        idx = rng.choice(seeds.size, 12, replace=False)
        seeds.flat[idx] = np.arange(1, 13)
        np.save(f + '/seeds.npy', seeds)
        np.save(f + '/seeds_i32.npy', seeds.astype(np.int32))
        np.save(f + '/mask.npy', (np.indices((9, 11, 13)).sum(0) < 22).astype(np.uint8))
        np.save(f + '/foreground.npy', (rng.random((9, 11, 13)) < 0.9).astype(np.uint8))
        np.save(f + '/short.npy', seeds[:8])
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-seg-").FullName;

    public SegmentationCommandsTests()
    {
        Python.Run(MakeInput, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Fact]
    public void Watershed_matches_skimage_with_and_without_a_mask()
    {
        string[] blocks = ["--block-shape", "4,5,6", "--workers", "2"];
        var (code, output, error) = CliTests.Run(["watershed", P("heights.npy"), P("seeds.npy"), P("ws.zarr"), "--halo", "13", "--chunks", "4,5,6", "--zarr-format", "2", "--json", .. blocks]);
        Assert.True(code == 0, error);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("uint64", summary.GetProperty("outputs")[0].GetProperty("dtype").GetString());
        (code, _, error) = CliTests.Run(["watershed", P("heights.npy"), P("seeds_i32.npy"), P("ws_mask.npy"), "--halo", "9,11,13", "--mask", P("mask.npy"), "--dtype", "uint32", "--connectivity", "3", .. blocks]);
        Assert.True(code == 0, error);
        (code, output, error) = CliTests.Run(["watershed", P("heights.npy"), P("seeds.npy"), P("ws_small.npy"), "--halo", "1", .. blocks]);
        Assert.True(code == 0, error);
        Assert.Contains("halo (1, 1, 1)", output, StringComparison.Ordinal);

        string verdict = Python.Run(
            """
            import sys, numpy as np, zarr
            from skimage.segmentation import watershed
            f = sys.argv[1]
            h = np.load(f + '/heights.npy'); s = np.load(f + '/seeds.npy'); m = np.load(f + '/mask.npy').astype(bool)
            a = zarr.open(f + '/ws.zarr', mode='r')[...]
            b = np.load(f + '/ws_mask.npy')
            c = np.load(f + '/ws_small.npy')
            ok = a.dtype == np.uint64 and (a == watershed(h, s)).all()
            ok &= b.dtype == np.uint32 and (b == watershed(h, s, mask=m, connectivity=3)).all()
            ok &= set(np.unique(c)) <= set(np.unique(s)) and (c[s > 0] == s[s > 0]).all()
            print(ok)
            """,
            _folder);
        Assert.Equal("True", verdict.Trim());
    }

    [Fact]
    public void Distance_transform_matches_scipy_exactly_with_a_covering_halo_and_below_a_small_one()
    {
        string[] blocks = ["--block-shape", "4,5,6", "--workers", "2"];
        var (code, output, error) = CliTests.Run(["distance-transform", P("foreground.npy"), P("edt.npy"), "--halo", "13", "--sampling", "2,1,1.5", "--json", .. blocks]);
        Assert.True(code == 0, error);
        Assert.Equal("float32", JsonDocument.Parse(output).RootElement.GetProperty("outputs")[0].GetProperty("dtype").GetString());
        (code, _, error) = CliTests.Run(["distance-transform", P("foreground.npy"), P("edt_small.zarr"), "--halo", "2", "--dtype", "float64", "--chunks", "4,5,6", "--zarr-format", "2", .. blocks]);
        Assert.True(code == 0, error);

        string verdict = Python.Run(
            """
            import sys, numpy as np, zarr
            from scipy import ndimage as ndi
            f = sys.argv[1]
            x = np.load(f + '/foreground.npy')
            a = np.load(f + '/edt.npy')
            b = zarr.open(f + '/edt_small.zarr', mode='r')[...]
            e = ndi.distance_transform_edt(x)
            ok = a.dtype == np.float32 and (a == ndi.distance_transform_edt(x, sampling=(2, 1, 1.5)).astype(np.float32)).all()
            ok &= b.dtype == np.float64 and (b[e < 2] == e[e < 2]).all() and (e < 2).sum() > 100
            print(ok)
            """,
            _folder);
        Assert.Equal("True", verdict.Trim());
    }

    [Fact]
    public void Dt_watershed_matches_the_scipy_skimage_composition_of_elfs_steps()
    {
        Python.Run(
            """
            import sys, numpy as np
            rng = np.random.default_rng(3)
            c = rng.random((10, 3)) * (12, 14, 16)
            g = np.stack(np.indices((12, 14, 16)), -1).astype(float)
            d = np.sort(np.linalg.norm(g[..., None, :] - c, axis=-1), axis=-1)
            m = np.exp(-(d[..., 1] - d[..., 0]) ** 2 / 4.5) + rng.random((12, 14, 16)) * 0.01
            np.save(sys.argv[1] + '/membranes.npy', m.astype(np.float32))
            """,
            _folder);
        var (code, output, error) = CliTests.Run(["dt-watershed", P("membranes.npy"), P("dtws.npy"), "--halo", "16", "--threshold", "0.5", "--sigma-seeds", "1", "--sigma-weights", "1.5", "--min-size", "20", "--block-shape", "12,14,16", "--json"]);
        Assert.True(code == 0, error);
        Assert.Equal("uint64", JsonDocument.Parse(output).RootElement.GetProperty("outputs")[0].GetProperty("dtype").GetString());
        (code, _, error) = CliTests.Run(["dt-watershed", P("membranes.npy"), P("dtws_blocks.npy"), "--halo", "3", "--threshold", "0.5", "--sigma-seeds", "1", "--block-shape", "6,7,8", "--workers", "2"]);
        Assert.True(code == 0, error);
        string verdict = Python.Run(
            """
            import sys, numpy as np
            from scipy import ndimage as ndi
            from skimage.feature import peak_local_max
            from skimage.segmentation import watershed
            f = sys.argv[1]
            x = np.load(f + '/membranes.npy').astype(np.float64)
            dt = ndi.gaussian_filter(ndi.distance_transform_edt(~(x > 0.5)), 1.0)
            flags = np.zeros(x.shape, bool)
            flags[tuple(peak_local_max(dt, min_distance=1, exclude_border=False).T)] = True
            seeds, _ = ndi.label(flags)
            hmap = 0.9 * ndi.gaussian_filter(x, 1.5) + 0.1 * (1. - (dt - dt.min()) / dt.max())
            ws = watershed(hmap, seeds)
            sizes = np.bincount(ws.ravel())
            ws[np.isin(ws, np.flatnonzero(sizes < 20))] = 0
            ws = watershed(hmap, ws)
            ours = np.load(f + '/dtws.npy')
            pairs = set(zip(ours.ravel().tolist(), ws.ravel().tolist()))
            ok = ours.dtype == np.uint64 and len(pairs) == len(np.unique(ours)) == len(np.unique(ws)) > 3
            blocks = np.load(f + '/dtws_blocks.npy')
            block_of = (np.indices(x.shape) // np.array([6, 7, 8])[:, None, None, None])
            block_id = block_of[0] * 4 + block_of[1] * 2 + block_of[2]
            ok &= bool((blocks // (6 * 7 * 8) == block_id).all()) and (blocks % (6 * 7 * 8) > 0).all()
            print(ok)
            """,
            _folder);
        Assert.Equal("True", verdict.Trim());
    }

    [Theory]
    [InlineData("Option '--halo' is required", "watershed", "heights.npy", "seeds.npy", "out.npy")]
    [InlineData("--halo: '-1'", "watershed", "heights.npy", "seeds.npy", "out.npy", "--halo", "-1")]
    [InlineData("Connectivity must be 1 to 3", "watershed", "heights.npy", "seeds.npy", "out.npy", "--halo", "2", "--connectivity", "4")]
    [InlineData("integer dtype", "watershed", "heights.npy", "seeds.npy", "out.npy", "--halo", "2", "--dtype", "float32")]
    [InlineData("seeds must have an integer dtype", "watershed", "heights.npy", "heights.npy", "out.npy", "--halo", "2")]
    [InlineData("has shape (8, 11, 13)", "watershed", "heights.npy", "short.npy", "out.npy", "--halo", "2")]
    [InlineData("Halo needs one value or 3", "watershed", "heights.npy", "seeds.npy", "out.npy", "--halo", "1,2")]
    [InlineData("Option '--halo' is required", "distance-transform", "foreground.npy", "out.npy")]
    [InlineData("Sampling needs 3 values", "distance-transform", "foreground.npy", "out.npy", "--halo", "2", "--sampling", "1,0,1")]
    [InlineData("float32 or float64", "distance-transform", "foreground.npy", "out.npy", "--halo", "2", "--dtype", "uint8")]
    [InlineData("Option '--threshold' is required", "dt-watershed", "heights.npy", "out.npy", "--halo", "2", "--sigma-seeds", "1")]
    [InlineData("0 ≤ alpha ≤ 1", "dt-watershed", "heights.npy", "out.npy", "--halo", "2", "--threshold", "0.5", "--sigma-seeds", "1", "--alpha", "2")]
    public void Bad_arguments_exit_with_2_and_a_clear_message(string expected, string verb, params string[] arguments)
    {
        string[] args = [verb, .. arguments.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) ? P(a) : a)];
        var (code, output, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("out.npy")), "a refused run must not create its output");
    }
}
