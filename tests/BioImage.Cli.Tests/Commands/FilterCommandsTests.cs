using System.Globalization;
using BioImage.Cli;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage filter</c> and <c>bioimage downsample</c> as a user runs them, block-wise on an odd 9×11×13 volume,
/// with scipy.ndimage / scikit-image as the oracle (float filters within 1e-4 relative, order 0 and pooling exact).
/// </summary>
public sealed class FilterCommandsTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        rng = np.random.default_rng(7)
        np.save(sys.argv[1], rng.random((9, 11, 13)).astype(np.float32) * 100)
        np.save(sys.argv[2], rng.integers(0, 5, (9, 11, 13)).astype(np.uint16))
        """;

    private const string CheckFilters = """
        import sys, numpy as np, zarr
        from scipy import ndimage as ndi
        from skimage.filters import difference_of_gaussians
        folder = sys.argv[1]
        x = np.load(folder + '/input.npy').astype(np.float64)
        s, outer = (1.5, 1.0, 2.0), 1.2
        def hessian(x):
            orders = [(2,0,0),(1,1,0),(1,0,1),(0,2,0),(0,1,1),(0,0,2)]
            h = [ndi.gaussian_filter(x, s, order=o) for o in orders]
            m = np.stack([np.stack([h[0],h[1],h[2]],-1), np.stack([h[1],h[3],h[4]],-1), np.stack([h[2],h[4],h[5]],-1)], -2)
            return np.moveaxis(np.linalg.eigvalsh(m)[..., ::-1], -1, 0)
        def tensor(x):
            g = [ndi.gaussian_filter(x, s, order=o) for o in [(1,0,0),(0,1,0),(0,0,1)]]
            t = [[ndi.gaussian_filter(g[a]*g[b], outer) for b in range(3)] for a in range(3)]
            m = np.stack([np.stack(t[a], -1) for a in range(3)], -2)
            return np.moveaxis(np.linalg.eigvalsh(m)[..., ::-1], -1, 0)
        expected = {
            'gaussian-smoothing': ndi.gaussian_filter(x, s),
            'gaussian-gradient-magnitude': ndi.gaussian_gradient_magnitude(x, s),
            'laplacian-of-gaussian': ndi.gaussian_laplace(x, s),
            'hessian-of-gaussian-eigenvalues': hessian(x),
            'hessian-channel-1': hessian(x)[1],
            'structure-tensor-eigenvalues': tensor(x),
            'difference-of-gaussians': difference_of_gaussians(x, s, (3.0, 2.0, 4.0), mode='reflect'),
        }
        worst = 0.0
        for name, e in expected.items():
            a = zarr.open(folder + '/' + name + '.zarr', mode='r')[...]
            assert a.shape == e.shape and a.dtype == np.float32, (name, a.shape, a.dtype)
            worst = max(worst, float(np.abs(a - e).max() / max(1.0, np.abs(e).max())))
        print(worst)
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-filter-").FullName;

    public FilterCommandsTests()
    {
        Python.Run(MakeInput, Path.Combine(_folder, "input.npy"), Path.Combine(_folder, "labels.npy"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_filter_matches_scipy_block_wise()
    {
        string input = Path.Combine(_folder, "input.npy");
        string[] common = ["--sigma", "1.5,1,2", "--block-shape", "4,5,6", "--zarr-format", "2", "--workers", "2"];
        foreach (var (name, output, extra) in new (string, string, string[])[]
        {
            ("gaussian-smoothing", "gaussian-smoothing", ["--chunks", "4,5,6"]),
            ("gaussian-gradient-magnitude", "gaussian-gradient-magnitude", ["--chunks", "4,5,6"]),
            ("laplacian-of-gaussian", "laplacian-of-gaussian", ["--chunks", "4,5,6"]),
            ("hessian-of-gaussian-eigenvalues", "hessian-of-gaussian-eigenvalues", ["--chunks", "3,4,5,6"]),
            ("hessian-of-gaussian-eigenvalues", "hessian-channel-1", ["--chunks", "4,5,6", "--return-channel", "1"]),
            ("structure-tensor-eigenvalues", "structure-tensor-eigenvalues", ["--chunks", "1,4,5,6", "--outer-scale", "1.2"]),
            ("difference-of-gaussians", "difference-of-gaussians", ["--chunks", "4,5,6", "--outer-scale", "3,2,4"]),
        })
        {
            var (code, _, error) = CliTests.Run(["filter", name, input, Path.Combine(_folder, output + ".zarr"), .. common, .. extra]);
            Assert.True(code == 0, $"{name}: exit {code}: {error}");
        }

        double worst = double.Parse(Python.Run(CheckFilters, _folder).Trim(), CultureInfo.InvariantCulture);
        Assert.True(worst <= 1e-4, $"largest relative error {worst}");
    }

    [Fact]
    public void Downsample_matches_scipy_and_pooling_exactly()
    {
        string input = Path.Combine(_folder, "input.npy");
        string labels = Path.Combine(_folder, "labels.npy");
        string[] blocks = ["--block-shape", "2,3,4", "--workers", "2"];
        Assert.Equal(0, CliTests.Run(["downsample", labels, Path.Combine(_folder, "nearest.npy"), "--factor", "2", .. blocks]).ExitCode);
        Assert.Equal(0, CliTests.Run(["downsample", input, Path.Combine(_folder, "linear.npy"), "--factor", "2,3,2", "--order", "1", .. blocks]).ExitCode);
        Assert.Equal(0, CliTests.Run(["downsample", input, Path.Combine(_folder, "cubic-aa.npy"), "--factor", "3", "--order", "3", "--anti-aliasing", .. blocks]).ExitCode);
        Assert.Equal(0, CliTests.Run(["downsample", labels, Path.Combine(_folder, "max.npy"), "--factor", "2", "--method", "max", .. blocks]).ExitCode);
        Assert.Equal(0, CliTests.Run(["downsample", input, Path.Combine(_folder, "mean.npy"), "--factor", "2", "--method", "mean", .. blocks]).ExitCode);

        const string check = """
            import sys, numpy as np
            from scipy import ndimage as ndi
            f = sys.argv[1]
            x = np.load(f + '/input.npy'); l = np.load(f + '/labels.npy')
            def target(shape, factors): return tuple(s // k + (s % k != 0) for s, k in zip(shape, factors))
            def resize(a, factors, order, smooth):
                out = target(a.shape, factors)
                scale = [i / o for i, o in zip(a.shape, out)]
                a = a.astype(np.float32) if order else a
                if smooth:
                    a = ndi.gaussian_filter(a, [max(0, (s - 1) / 2) for s in scale], mode='mirror')
                return ndi.affine_transform(a, scale, output_shape=out, order=order, mode='mirror')
            def pool(a, k, fn):
                pad = [(0, (-s) % k) for s in a.shape]
                p = np.pad(a.astype(np.float64), pad, constant_values=np.nan)
                z, y, w = p.shape
                return fn(p.reshape(z // k, k, y // k, k, w // k, k), axis=(1, 3, 5))
            ok = bool((np.load(f + '/nearest.npy') == resize(l, (2, 2, 2), 0, False)).all())
            ok &= np.load(f + '/nearest.npy').dtype == np.uint16
            ok &= bool((np.load(f + '/max.npy') == pool(l, 2, np.nanmax)).all())
            mean = np.load(f + '/mean.npy')
            ok &= bool(np.abs(mean - pool(x, 2, np.nanmean)).max() <= 1e-4 * 100)
            lin = np.load(f + '/linear.npy'); cub = np.load(f + '/cubic-aa.npy')
            ok &= lin.dtype == np.float32 and lin.shape == (5, 4, 7) and cub.shape == (3, 4, 5)
            err = max(np.abs(lin - resize(x, (2, 3, 2), 1, False)).max(), np.abs(cub - resize(x, (3, 3, 3), 3, True)).max())
            print(ok, err / 100)
            """;
        string[] verdict = Python.Run(check, _folder).Trim().Split(' ');
        Assert.Equal("True", verdict[0]);
        Assert.True(double.Parse(verdict[1], CultureInfo.InvariantCulture) <= 1e-4, $"relative error {verdict[1]}");
    }

    [Theory]
    [InlineData("filter", "no-such-filter", "--sigma", "1")]
    [InlineData("filter", "gaussian-smoothing", "--sigma", "-1")]
    [InlineData("filter", "gaussian-smoothing", "--sigma", "1,2")]
    [InlineData("filter", "structure-tensor-eigenvalues", "--sigma", "1")]
    [InlineData("filter", "gaussian-smoothing", "--sigma", "1", "--return-channel", "0")]
    [InlineData("filter", "hessian-of-gaussian-eigenvalues", "--sigma", "1", "--return-channel", "3")]
    [InlineData("downsample", "--factor", "0")]
    [InlineData("downsample", "--factor", "2,2")]
    [InlineData("downsample", "--factor", "2", "--order", "6")]
    [InlineData("downsample", "--factor", "2", "--method", "median")]
    public void Bad_arguments_exit_with_2(string verb, params string[] arguments)
    {
        string input = Path.Combine(_folder, "input.npy");
        string output = Path.Combine(_folder, "never.zarr");
        string[] args = verb == "filter" ? [verb, arguments[0], input, output, .. arguments[1..]] : [verb, input, output, .. arguments];
        var (code, _, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
    }
}
