using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage apply</c> and <c>bioimage isin</c> as a user runs them — a scalar, a same-shape and a broadcast operand,
/// a mask, in place, threads and worker processes, blocks that divide no axis — checked against numpy 1.24; bad
/// operands exit 2 with the reason.
/// </summary>
public sealed class ElementwiseCommandTests : IDisposable
{
    private const string MakeInputs = """
        import sys, os, numpy as np
        rng = np.random.default_rng(5)
        folder = sys.argv[1]
        np.save(os.path.join(folder, 'x.npy'), rng.integers(-32768, 32767, (7, 9, 11), dtype=np.int16))
        np.save(os.path.join(folder, 'y.npy'), (rng.standard_normal((7, 9, 11)) * 100).astype(np.float32))
        np.save(os.path.join(folder, 'b.npy'), rng.integers(0, 255, (9, 1), dtype=np.uint8))
        np.save(os.path.join(folder, 'm.npy'), (rng.random((7, 9, 11)) < 0.5).astype(np.uint8))
        np.save(os.path.join(folder, 'small.npy'), rng.integers(0, 5, (7, 9, 11), dtype=np.uint64))
        """;

    private const string Check = """
        import sys, os, numpy as np, zarr
        folder = sys.argv[1]
        load = lambda name: np.load(os.path.join(folder, name))
        x, y, b, m, small = load('x.npy'), load('y.npy'), load('b.npy'), load('m.npy').astype(bool), load('small.npy')
        with np.errstate(all='ignore'):
            expected = {
                'add.npy': x + 300,
                'divide.zarr': x / y,
                'greater_equal.npy': np.where(m, x >= b, False),
                'isin.npy': np.isin(small, [1, 3]),
                'isin_file.npy': np.isin(x, [int(v) for v in x.flat[::50]]),
                'inplace.npy': np.maximum(x, -5),
            }
        for name, want in expected.items():
            path = os.path.join(folder, 'out', name)
            got = zarr.open(path, mode='r')[...] if name.endswith('.zarr') else np.load(path)
            assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
            assert np.array_equal(got, want, equal_nan=want.dtype.kind == 'f'), name
        print('ok')
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-elementwise-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Apply_and_isin_equal_numpy()
    {
        Python.Run(MakeInputs, _folder);
        string In(string name) => Path.Combine(_folder, name);
        string Out(string name) => Path.Combine(_folder, "out", name);
        Directory.CreateDirectory(Out(""));
        File.Copy(In("x.npy"), Out("inplace.npy"));
        File.WriteAllText(In("values.txt"), string.Join('\n', Python.Run("import sys, numpy as np; print(' '.join(str(v) for v in np.load(sys.argv[1]).flat[::50]))", In("x.npy")).Split(' ', StringSplitOptions.TrimEntries)));
        string[] blocks = ["--block-shape", "3,4,5"];
        var runs = new[]
        {
            (string[])["apply", "add", In("x.npy"), "--scalar", "300", Out("add.npy"), .. blocks, "--json"],
            ["apply", "divide", In("x.npy"), In("y.npy"), Out("divide.zarr"), "--chunks", "3,4,5", "--zarr-format", "2", .. blocks, "--job-type", "subprocess", "--workers", "2", "--tmp-root", _folder, "--quiet"],
            ["apply", "greater_equal", In("x.npy"), In("b.npy"), Out("greater_equal.npy"), "--mask", In("m.npy"), .. blocks, "--quiet"],
            ["isin", In("small.npy"), Out("isin.npy"), "--values", "1,3,2.5,-1", .. blocks, "--quiet"],
            ["isin", In("x.npy"), Out("isin_file.npy"), "--values-file", In("values.txt"), .. blocks, "--workers", "2", "--quiet"],
            ["apply", "maximum", Out("inplace.npy"), "--scalar", "-5", "--in-place", .. blocks, "--quiet"],
        };
        foreach (var arguments in runs)
        {
            var (code, _, error) = CliTests.Run(arguments);
            Assert.True(code == 0, $"{string.Join(' ', arguments)}: {error}");
        }

        var (_, json, _) = CliTests.Run(["apply", "add", In("x.npy"), "--scalar", "300", Out("again.npy"), .. blocks, "--json"]);
        Assert.Equal("int16", JsonDocument.Parse(json).RootElement.GetProperty("outputs")[0].GetProperty("dtype").GetString());
        Assert.Equal("ok", Python.Run(Check, _folder).Trim());
        Assert.Empty(Directory.EnumerateDirectories(_folder, "bioimage_*"));
    }

    [Theory]
    [InlineData("Unknown operation 'power'; expected one of: add, subtract", "apply", "power", "x.npy", "--scalar", "2", "o.npy")]
    [InlineData("y of shape (9, 2) does not broadcast to x's shape (7, 9, 11)", "apply", "add", "x.npy", "bad.npy", "o.npy")]
    [InlineData("apply takes --scalar V and OUTPUT after X; got 2 path(s)", "apply", "add", "x.npy", "y.npy", "--scalar", "2", "o.npy")]
    [InlineData("apply takes Y and OUTPUT after X; got 1 path(s)", "apply", "add", "x.npy", "o.npy")]
    [InlineData("--scalar: '1,5' is not a number", "apply", "add", "x.npy", "--scalar", "1,5", "o.npy")]
    [InlineData("divide of int16 x gives float64: it cannot be written in place", "apply", "divide", "x.npy", "--scalar", "2", "--in-place")]
    [InlineData("isin needs exactly one of --values", "isin", "x.npy", "o.npy")]
    [InlineData("--values: 'one' is not a number", "isin", "x.npy", "o.npy", "--values", "1,one")]
    public void Bad_operands_exit_2_with_the_reason(string message, params string[] arguments)
    {
        Python.Run(MakeInputs, _folder);
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], np.zeros((9, 2), np.uint8))", Path.Combine(_folder, "bad.npy"));
        var (code, _, error) = CliTests.Run([.. arguments.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) ? Path.Combine(_folder, a) : a)]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "o.npy")));
    }
}
