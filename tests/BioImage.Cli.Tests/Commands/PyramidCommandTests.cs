using BioImage.Cli;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage pyramid</c>: OME-NGFF 0.4 / 0.5 metadata read back by Python (zarr-python for 0.4, the JSON for 0.5) and
/// checked field by field against the spec, levels equal numpy's mode / mean pooling and scipy's anti-aliased linear
/// resize, level storage as --chunks / --codec say.
/// </summary>
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
    public void Pyramid_writes_ngff_metadata_and_pooled_levels_and_only_overwrite_replaces_it()
    {
        string labels = Path.Combine(_folder, "labels.npy");
        string image = Path.Combine(_folder, "image.npy");
        Python.Run(MakeInput, labels, image);
        string labelsOut = Path.Combine(_folder, "labels.ome.zarr");
        string imageOut = Path.Combine(_folder, "image.ome.zarr");
        Assert.Equal(0, CliTests.Run("pyramid", labels, labelsOut, "--levels", "3", "--labels", "--zarr-format", "2").ExitCode);
        var before = Directory.GetFiles(labelsOut, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var refused = CliTests.Run("pyramid", labels, labelsOut, "--levels", "2", "--labels", "--zarr-format", "2");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(labelsOut, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        Assert.Equal(0, CliTests.Run("pyramid", labels, labelsOut, "--levels", "2", "--labels", "--zarr-format", "2", "--workers", "2", "--overwrite").ExitCode);
        Assert.False(Directory.Exists(Path.Combine(labelsOut, "s2")), "the level the first run wrote and the overwriting one does not list is removed");
        var (code, _, error) = CliTests.Run("pyramid", image, imageOut, "--levels", "3");
        Assert.True(code == 0, error);
        Assert.Equal(0, CliTests.Run("copy", imageOut, Path.Combine(_folder, "s1.npy"), "--input-key", "s1").ExitCode);
        Assert.Equal(0, CliTests.Run("copy", imageOut, Path.Combine(_folder, "s2.npy"), "--input-key", "s2").ExitCode);
        Assert.Equal("True", Python.Run(Check, _folder).Trim());
    }

    private const string CheckLinear = """
        import sys, json, numpy as np, zarr
        import scipy.ndimage as ndi
        f = sys.argv[1]
        def resize(x, out_shape):
            x = x.astype(np.float64)
            factors = np.array(x.shape) / np.array(out_shape)
            x = ndi.gaussian_filter(x, np.maximum(0, (factors - 1) / 2), mode='mirror')
            return ndi.affine_transform(x, np.diag(factors), output_shape=out_shape, order=1, mode='mirror', prefilter=True)
        def check_multiscale(ms, shapes):
            # NGFF: axes with name/type/unit; datasets highest resolution first, exactly one scale then one translation
            assert [a for a in ms['axes']] == [{'name': n, 'type': 'space', 'unit': 'micrometer'} for n in 'zyx'], ms['axes']
            assert ms['type'] == 'linear' and ms['name'] == 'image.ome', ms
            voxel = np.array([2.0, 0.5, 0.25])
            for k, d in enumerate(ms['datasets']):
                assert d['path'] == f's{k}'
                t = d['coordinateTransformations']
                assert [x['type'] for x in t] == ['scale', 'translation'], t
                assert np.allclose(t[0]['scale'], voxel * np.array(shapes[0]) / np.array(shapes[k]), rtol=1e-12), (k, t)
                assert t[1]['translation'] == [0.0, 0.0, 0.0], t
        for name, version in (('v2', '0.4'), ('v3', '0.5')):
            root = f + '/' + name + '/image.ome.zarr'
            if version == '0.4':
                g = zarr.open_group(root, mode='r')
                ms = g.attrs['multiscales']
                assert len(ms) == 1 and ms[0]['version'] == '0.4', ms
                levels = [g[f's{k}'][...] for k in range(3)]
                for k in range(3):
                    assert g[f's{k}'].chunks == (4, 4, 8) and g[f's{k}'].compressor.codec_id == 'zlib', (g[f's{k}'].chunks, g[f's{k}'].compressor)
                ms = ms[0]
            else:
                meta = json.load(open(root + '/zarr.json'))
                assert meta['zarr_format'] == 3 and meta['node_type'] == 'group'
                ome = meta['attributes']['ome']
                assert ome['version'] == '0.5' and len(ome['multiscales']) == 1 and 'version' not in ome['multiscales'][0], ome
                ms = ome['multiscales'][0]
                levels = [np.load(f'{f}/v3-s{k}.npy') for k in range(3)]
                for k in range(3):
                    array = json.load(open(f'{root}/s{k}/zarr.json'))
                    assert array['dimension_names'] == ['z', 'y', 'x'], array
                    assert array['chunk_grid']['configuration']['chunk_shape'] == [4, 4, 8], array
                    assert any(c['name'] == 'gzip' for c in array['codecs']), array['codecs']
            shapes = [l.shape for l in levels]
            assert shapes == [(9, 11, 13), (5, 6, 7), (3, 3, 4)], shapes
            check_multiscale(ms, shapes)
            image = np.load(f + '/image.npy')
            assert (levels[0] == image).all() and levels[1].dtype == np.float32
            s1 = resize(levels[0], shapes[1]); s2 = resize(levels[1], shapes[2])
            assert np.abs(levels[1] - s1).max() <= 1e-4 * np.abs(s1).max(), np.abs(levels[1] - s1).max()
            assert np.abs(levels[2] - s2).max() <= 1e-4 * np.abs(s2).max(), np.abs(levels[2] - s2).max()
        print(True)
        """;

    [Fact]
    public void Linear_pyramid_has_units_voxel_size_scales_and_the_requested_storage()
    {
        string labels = Path.Combine(_folder, "labels.npy");
        string image = Path.Combine(_folder, "image.npy");
        Python.Run(MakeInput, labels, image);
        foreach (var (version, codec) in new[] { ("2", "zlib:5"), ("3", "gzip:5") })
        {
            string root = Path.Combine(_folder, "v" + version, "image.ome.zarr");
            string[] common = ["--levels", "3", "--voxel-size", "2,0.5,0.25", "--unit", "micrometer", "--chunks", "4,4,8", "--codec", codec, "--zarr-format", version];

            // A first run with mean, then linear: the multiscales entry is replaced, not appended.
            Assert.Equal(0, CliTests.Run(["pyramid", image, root, .. common]).ExitCode);
            var (code, _, error) = CliTests.Run(["pyramid", image, root, "--method", "linear", "--workers", "2", "--overwrite", .. common]);
            Assert.True(code == 0, error);
            for (int level = 0; level < 3 && version == "3"; level++)
            {
                Assert.Equal(0, CliTests.Run("copy", root, Path.Combine(_folder, $"v3-s{level}.npy"), "--input-key", $"s{level}").ExitCode);
            }
        }

        Assert.Equal("True", Python.Run(CheckLinear, _folder).Trim());
    }

    [Theory]
    [InlineData("unit 'furlong'", "--unit", "furlong")]
    [InlineData("label-safe", "--labels", "--method", "linear")]
    [InlineData("voxel size", "--voxel-size", "1,2")]
    [InlineData("'bicubic' not recognized", "--method", "bicubic")]
    public void Bad_pyramid_options_are_refused_naming_the_option(string message, params string[] options)
    {
        string labels = Path.Combine(_folder, "labels.npy");
        Python.Run(MakeInput, labels, Path.Combine(_folder, "image.npy"));
        string root = Path.Combine(_folder, "bad.ome.zarr");
        var (code, _, error) = CliTests.Run(["pyramid", labels, root, .. options]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
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
