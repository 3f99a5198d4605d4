using BioImage.Cli;

namespace BioImage.Cli.Tests.Commands;

/// <summary><c>bioimage pyramid</c>: OME-NGFF 0.4 / 0.5 metadata read back by Python, levels equal numpy's mode / mean pooling.</summary>
public sealed class PyramidCommandTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        rng = np.random.default_rng(11)
        np.save(sys.argv[1], rng.integers(0, 4, (9, 11, 13)).astype(np.uint16))
        np.save(sys.argv[2], (rng.random((9, 11, 13)) * 100).astype(np.float32))
        """;

    private const string Check = """
        import sys, json, numpy as np, zarr
        f = sys.argv[1]
        def pool(a, reduce):
            out = np.zeros(tuple(s // 2 + (s % 2 != 0) for s in a.shape), dtype=np.float64)
            for i in np.ndindex(out.shape):
                out[i] = reduce(a[2*i[0]:2*i[0]+2, 2*i[1]:2*i[1]+2, 2*i[2]:2*i[2]+2].ravel())
            return out
        def mode(v):
            values, counts = np.unique(v, return_counts=True)
            return values[np.argmax(counts)]
        g = zarr.open_group(f + '/labels.ome.zarr', mode='r')
        ms = g.attrs['multiscales']
        assert len(ms) == 1 and ms[0]['version'] == '0.4', ms
        assert [a['name'] for a in ms[0]['axes']] == ['z', 'y', 'x']
        d = ms[0]['datasets']
        assert [x['path'] for x in d] == ['s0', 's1'], d
        assert d[1]['coordinateTransformations'] == [{'type': 'scale', 'scale': [2.0, 2.0, 2.0]}, {'type': 'translation', 'translation': [0.5, 0.5, 0.5]}], d[1]
        labels = np.load(f + '/labels.npy')
        assert (g['s0'][...] == labels).all()
        assert g['s1'].dtype == np.uint16 and (g['s1'][...] == pool(labels, mode)).all()
        meta = json.load(open(f + '/image.ome.zarr/zarr.json'))
        ome = meta['attributes']['ome']
        assert meta['node_type'] == 'group' and ome['version'] == '0.5' and len(ome['multiscales']) == 1
        assert [x['path'] for x in ome['multiscales'][0]['datasets']] == ['s0', 's1', 's2']
        assert ome['multiscales'][0]['datasets'][2]['coordinateTransformations'][0]['scale'] == [4.0, 4.0, 4.0]
        image = np.load(f + '/image.npy').astype(np.float64)
        s1 = pool(image, np.mean); s2 = pool(s1, np.mean)
        ok = np.abs(np.load(f + '/s1.npy') - s1).max() < 1e-3 and np.abs(np.load(f + '/s2.npy') - s2).max() < 1e-3
        print(bool(ok))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-pyramid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pyramid_writes_ngff_metadata_and_pooled_levels_and_rerunning_replaces_it()
    {
        string labels = Path.Combine(_folder, "labels.npy");
        string image = Path.Combine(_folder, "image.npy");
        Python.Run(MakeInput, labels, image);
        string labelsOut = Path.Combine(_folder, "labels.ome.zarr");
        string imageOut = Path.Combine(_folder, "image.ome.zarr");
        Assert.Equal(0, CliTests.Run("pyramid", labels, labelsOut, "--levels", "3", "--labels", "--zarr-format", "2").ExitCode);
        Assert.Equal(0, CliTests.Run("pyramid", labels, labelsOut, "--levels", "2", "--labels", "--zarr-format", "2", "--workers", "2").ExitCode);
        var (code, _, error) = CliTests.Run("pyramid", image, imageOut, "--levels", "3");
        Assert.True(code == 0, error);
        Assert.Equal(0, CliTests.Run("copy", imageOut, Path.Combine(_folder, "s1.npy"), "--input-key", "s1").ExitCode);
        Assert.Equal(0, CliTests.Run("copy", imageOut, Path.Combine(_folder, "s2.npy"), "--input-key", "s2").ExitCode);
        Assert.Equal("True", Python.Run(Check, _folder).Trim());
    }

    [Theory]
    [InlineData("--levels", "0")]
    [InlineData("--zarr-format", "4")]
    public void Bad_arguments_exit_with_2(string option, string value)
    {
        var (code, _, error) = CliTests.Run("pyramid", Path.Combine(_folder, "missing.npy"), Path.Combine(_folder, "out.ome.zarr"), option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
    }
}
