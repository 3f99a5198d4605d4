using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BioImage.Sources.Formats;

namespace BioImage.Core.Tests.Sources;

/// <summary>
/// Writing a dataset into an existing HDF5 file keeps everything else in it, or refuses and leaves the file as it was.
/// The oracle is h5py (Debian's python3-h5py): it makes the files, and after each write it describes every object of the
/// old and new file (links, types down to byte order, string padding and character set, shapes, maxshapes, chunks,
/// layouts, filters with flags and parameters, fill values, allocation and fill times, attributes, and the values'
/// SHA-256) and compares them.
/// </summary>
public sealed class Hdf5RewriteTests
{
    /// <summary>
    /// Prints, as JSON, what differs between two files apart from the objects named in argv[3] (comma-separated), or
    /// "[]". The space allocation time of an unfiltered dataset of several chunks is not compared: PureHDF indexes its
    /// chunks implicitly, which HDF5 defines for early allocation only (the space is allocated either way).
    /// </summary>
    private const string Compare = """
        import sys, json, hashlib, h5py, numpy as np

        def tdesc(t):
            d = {'class': t.get_class(), 'size': t.get_size(), 'committed': t.committed()}
            c = t.get_class()
            if c in (h5py.h5t.INTEGER, h5py.h5t.FLOAT):
                d.update(order=t.get_order(), precision=t.get_precision(), offset=t.get_offset(), pad=t.get_pad())
                if c == h5py.h5t.INTEGER: d['sign'] = t.get_sign()
                else: d.update(fields=t.get_fields(), ebias=t.get_ebias(), norm=t.get_norm(), inpad=t.get_inpad())
            if c == h5py.h5t.STRING:
                d.update(vlen=t.is_variable_str(), cset=t.get_cset(), strpad=t.get_strpad())
            if c == h5py.h5t.ENUM:
                d.update(base=tdesc(t.get_super()), members=[[t.get_member_name(i).decode(), int(t.get_member_value(i))] for i in range(t.get_nmembers())])
            return d

        def value(v):
            if isinstance(v, np.ndarray):
                if v.dtype.kind == 'O': return [value(x) for x in v.tolist()]
                return {'dtype': v.dtype.str, 'shape': v.shape, 'sha': hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()}
            if isinstance(v, bytes): return 'bytes:' + v.hex()
            if isinstance(v, np.generic): return {'dtype': v.dtype.str, 'bytes': v.tobytes().hex()}
            return repr(v)

        def attrs(o):
            out = {}
            for name in o.attrs:
                a = h5py.h5a.open(o.id, name.encode())
                out[name] = {'type': tdesc(a.get_type()), 'space': a.get_space().get_simple_extent_type(), 'shape': a.shape, 'value': value(o.attrs[name])}
            return out

        def describe(path):
            f = h5py.File(path, 'r')
            out = {'/': {'kind': 'group', 'attrs': attrs(f)}}
            def walk(g, prefix):
                for name in g:
                    path = prefix + name
                    link = g.get(name, getlink=True)
                    entry = {'link': type(link).__name__}
                    out[path] = entry
                    if not isinstance(link, h5py.HardLink): continue
                    o = g[name]
                    if isinstance(o, h5py.Group):
                        entry.update(kind='group', attrs=attrs(o))
                        walk(o, path + '/')
                        continue
                    p = o.id.get_create_plist()
                    vlen = o.dtype.kind == 'O'
                    entry.update(kind='dataset', type=tdesc(o.id.get_type()), space=o.id.get_space().get_simple_extent_type(),
                        shape=o.shape, maxshape=o.maxshape, chunks=o.chunks, layout=p.get_layout(), external=p.get_external_count(),
                        filters=[[p.get_filter(i)[0], p.get_filter(i)[1], list(p.get_filter(i)[2])] for i in range(p.get_nfilters())],
                        fill_defined=p.fill_value_defined(), fill=None if vlen or p.fill_value_defined() == 0 else value(o.fillvalue),
                        alloc=p.get_alloc_time(), fill_time=p.get_fill_time(), attrs=attrs(o), value=value(o[()]))
                    several = o.chunks is not None and any(s > c for s, c in zip(o.shape, o.chunks))
                    if several and p.get_nfilters() == 0: del entry['alloc']
            walk(f, '/')
            return out

        a, b = describe(sys.argv[1]), describe(sys.argv[2])
        for skip in filter(None, sys.argv[3].split(',')):
            a.pop(skip, None); b.pop(skip, None)
        print(json.dumps([[k, a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)], default=str))
        """;

    /// <summary>Makes a file with argv[2] (h5py libver) holding every kind of object and attribute a rewrite keeps.</summary>
    private const string MakeKeepable = """
        import sys, h5py, numpy as np
        rng = np.random.default_rng(7)
        with h5py.File(sys.argv[1], 'w', libver=sys.argv[2]) as f:
            f.attrs['title'] = 'cells, 2 µm'
            f.attrs['version'] = 3
            f.attrs['scale'] = np.array([0.5, 1.0, 2.0])
            f.attrs['gain'] = np.float32(1.5)
            f.attrs['lut'] = np.arange(6, dtype=np.uint8).reshape(2, 3)
            f.attrs['names'] = ['a', 'bb', 'ccé']
            f.attrs['raw_bytes'] = b'ascii bytes'
            f.attrs['half'] = np.float16(0.25)
            f.attrs['one'] = np.array([7], dtype=np.int16)
            f.attrs['big_u64'] = np.uint64(2**64 - 1)
            f.attrs['flag'] = True
            f.attrs['flags'] = np.array([[True, False], [False, True]])
            g = f.create_group('a/b')
            g.attrs['unit'] = 'nm'
            g.attrs['offsets'] = np.array([-1, 2, -3], dtype=np.int32)
            raw = g.create_dataset('raw', data=(rng.integers(0, 4000, size=(5, 7, 9))).astype(np.uint16), chunks=(2, 3, 4), compression='gzip', compression_opts=4)
            raw.attrs['resolution'] = np.array([1.0, 0.5, 0.5])
            raw.attrs['axes'] = 'zyx'
            f.create_dataset('contiguous_f32', data=rng.normal(size=(5, 6)).astype(np.float32))
            f.create_dataset('i8', data=np.arange(-5, 5, dtype=np.int8))
            f.create_dataset('i64', data=np.arange(10, dtype=np.int64) * -12345678901)
            f.create_dataset('u32', data=np.arange(10, dtype=np.uint32) * 400000000)
            f.create_dataset('u64', data=np.arange(10, dtype=np.uint64) * (2**62))
            f.create_dataset('f64', data=np.array([[np.nan, -0.0, np.inf], [1e-310, -1.5, 3.0]]))
            f.create_dataset('f16', data=np.arange(5, dtype=np.float16) / 3)
            f.create_dataset('mask', data=rng.integers(0, 2, size=(6, 7)).astype(bool), chunks=(3, 7), compression='gzip')
            f.create_dataset('shuffled', data=np.arange(1000, dtype=np.int32).reshape(10, 100), chunks=(3, 40), shuffle=True, compression='gzip')
            f.create_dataset('checksummed', data=np.arange(100, dtype=np.int16), chunks=(30,), fletcher32=True)
            f.create_dataset('chunked_plain', data=np.arange(100, dtype=np.float64).reshape(10, 10), chunks=(4, 4))
            f.create_dataset('one_chunk', data=np.arange(12, dtype=np.int32).reshape(3, 4), chunks=(3, 4), compression='gzip', compression_opts=9)
            f.create_dataset('level0', data=np.arange(12, dtype=np.uint8).reshape(3, 4), chunks=(2, 2), compression='gzip', compression_opts=0)
            f.create_dataset('scalar', data=np.float64(3.25))
            f.create_dataset('scalar_text', data='one string', dtype=h5py.string_dtype())
            f.create_dataset('zero_size', data=np.zeros((0, 3), dtype=np.uint8))
            f.create_dataset('text', data=['x', 'yy', 'zzz é'], dtype=h5py.string_dtype())
            text = f.create_dataset('ascii_chunked', data=['x', 'yy', 'zzz'] * 10, dtype=h5py.string_dtype('ascii'), chunks=(7,), compression='gzip')
            text.attrs['note'] = 'chunked strings'
            many = f.create_group('many')
            for i in range(20):
                many.create_dataset(f'd{i:02}', data=np.arange(i + 1, dtype=np.int16))
                many.attrs[f'a{i:02}'] = i
                f['i8'].attrs[f'label{i:02}'] = f'value {i}'
            f.create_group('empty').attrs['note'] = 'nothing here'
        """;

    public static TheoryData<string> Libvers => ["earliest", "latest"];

    [Theory]
    [MemberData(nameof(Libvers))]
    public void Adding_a_dataset_keeps_every_other_object_exactly(string libver)
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string before = folder.File("before.h5");
        Python.Run(MakeKeepable, path, libver);
        File.Copy(path, before);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        using var labels = Pattern<uint>([6, 5, 4], i => (uint)(i * 2654435761u));

        Hdf5Source.CheckWrite(path, "new/labels", overwrite: false);
        Hdf5Source.Write(path, "new/labels", labels, [3, 5, 2]);

        Assert.Equal("[]", Python.Run(Compare, before, path, "/new,/new/labels").Trim());
        AssertDataset(path, "new/labels", labels, "uint32", "(3, 5, 2)");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal(["before.h5", "data.h5"], folder.Names());
    }

    [Fact]
    public void A_dataset_added_to_an_existing_group_keeps_the_group_and_its_attributes()
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string before = folder.File("before.h5");
        Python.Run(MakeKeepable, path, "earliest");
        File.Copy(path, before);
        using var mask = Pattern<byte>([5, 7, 9], i => (byte)(i % 3));

        Hdf5Source.Write(path, "a/b/mask", mask, [5, 7, 9]);

        Assert.Equal("[]", Python.Run(Compare, before, path, "/a/b/mask").Trim());
        AssertDataset(path, "a/b/mask", mask, "uint8", "(5, 7, 9)");
    }

    [Fact]
    public void An_existing_dataset_is_replaced_only_with_overwrite()
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string before = folder.File("before.h5");
        Python.Run(MakeKeepable, path, "latest");
        File.Copy(path, before);
        string hash = Hash(path);
        using var raw = Pattern<float>([4, 4, 4], i => i * 0.5f);

        var refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(path, "a/b/raw", overwrite: false));
        Assert.Equal("key", refused.ParamName);
        Assert.Contains("--overwrite", refused.Message, StringComparison.Ordinal);
        refused = Assert.Throws<ArgumentException>(() => Hdf5Source.Write(path, "/a/b/raw", raw, [2, 2, 2]));
        Assert.Contains("--overwrite", refused.Message, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(path));

        Hdf5Source.Write(path, "a/b/raw", raw, [2, 2, 2], overwrite: true);

        Assert.Equal("[]", Python.Run(Compare, before, path, "/a/b/raw").Trim());
        AssertDataset(path, "a/b/raw", raw, "float32", "(2, 2, 2)");
        Assert.Equal("[]", Python.Run("import sys, h5py; print(list(h5py.File(sys.argv[1])['a/b/raw'].attrs))", path).Trim());
    }

    [Theory]
    [InlineData("a/b", "key", "already has a group 'a/b'")]
    [InlineData("a/b/raw/inner", "key", "/a/b/raw is a dataset")]
    [InlineData("a//b", "key", "not a dataset path")]
    [InlineData("..", "key", "not a dataset path")]
    public void Keys_that_cannot_hold_a_dataset_are_refused(string key, string parameter, string reason)
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        Python.Run(MakeKeepable, path, "earliest");
        string hash = Hash(path);
        using var data = Pattern<short>([2, 2], i => (short)i);

        var refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(path, key, overwrite: true));
        Assert.Equal(parameter, refused.ParamName);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Hdf5Source.Write(path, key, data, [1, 1], overwrite: true));
        Assert.Equal(hash, Hash(path));
    }

    /// <summary>Each case adds, to a file holding one plain dataset, something PureHDF cannot write back as it is.</summary>
    public static TheoryData<string, string> Unkeepable => new()
    {
        { "f.attrs['name'] = np.bytes_('abc')", "fixed-length strings" },
        { "f.create_dataset('c', data=np.zeros(3, dtype=[('a', '<i4'), ('b', '<f8')]))", "/c: holds compound (struct) values" },
        { "f.create_dataset('be', data=np.arange(4, dtype='>u2'))", "/be: holds big-endian uint16 values" },
        { "f.create_dataset('be', data=np.arange(4, dtype='>f8'))", "/be: holds big-endian float64 values" },
        { "f.create_dataset('z', data=np.arange(100, dtype='<u2'), chunks=(10,), compression='lzf')", "/z: uses the lzf filter" },
        { "f.create_dataset('so', data=np.arange(100, dtype='<i4'), chunks=(10,), scaleoffset=0)", "/so: uses the scale-offset filter" },
        { "f['alias'] = h5py.SoftLink('/keep')", "(a soft link or a second hard link)" },
        { "f['alias'] = h5py.SoftLink('/nowhere')", "/alias: a soft or external link whose target is missing" },
        { "f['again'] = f['keep']", "has 2 hard links" },
        { "f['ext'] = h5py.ExternalLink('other.h5', '/x')", "/ext: a soft or external link whose target is missing" },
        { "h5py.File(os.path.join(os.path.dirname(p), 'other.h5'), 'w').create_dataset('x', data=[1]); f['ext'] = h5py.ExternalLink('other.h5', '/x')", "/: has an external link to an object 'x' in another file" },
        { "f['mytype'] = np.dtype('<f4')", "/mytype: a named (committed) datatype" },
        { "f.create_dataset('r', data=np.arange(4), maxshape=(None,))", "/r: is resizable (maxshape (None))" },
        { "f.create_dataset('fv', shape=(4,), dtype='<i4', fillvalue=7)", "/fv: has a fill value set by its writer" },
        { "f.create_group('g', track_order=True)", "/g: tracks the creation order of its links" },
        { "f.attrs['e'] = h5py.Empty('f4')", "attribute 'e' is empty (a null dataspace, h5py.Empty)" },
        { "f.attrs['z'] = np.zeros(0, dtype='<i4')", "attribute 'z' has zero elements" },
        { "f.attrs['ref'] = f['keep'].ref", "attribute 'ref' holds object or region references" },
        { "f.create_dataset('v', data=np.array([np.arange(2), np.arange(3)], dtype=object), dtype=h5py.vlen_dtype('i4'))", "/v: holds variable-length sequences" },
        { "f.create_dataset('en', data=np.array([1, 0], dtype='i1'), dtype=h5py.enum_dtype({'A': 0, 'B': 1}, basetype='i1'))", "/en: holds enum values (other than h5py's numpy bool)" },
        { "f.create_dataset('op', data=np.void(b'abcd'))", "/op: holds opaque values" },
        { "h5py.h5d.create(f.id, b'ar', h5py.h5t.array_create(h5py.h5t.NATIVE_INT32, (3,)), h5py.h5s.create_simple((2,)))", "/ar: holds array-typed values" },
        { "f.create_dataset('x', data=np.arange(6)); f['x'].make_scale('x'); f['keep'].dims[0].attach_scale(f['x'])", "attribute 'DIMENSION_LIST' holds variable-length sequences" },
        { "p2 = h5py.h5p.create(h5py.h5p.DATASET_CREATE); p2.set_layout(h5py.h5d.COMPACT); h5py.h5d.create(f.id, b'small', h5py.h5t.NATIVE_INT32, h5py.h5s.create_simple((4,)), dcpl=p2)", "/small: is stored compact" },
        { "f.create_dataset('outside', shape=(4,), dtype='<i4', external=[('raw.bin', 0, 16)])", "/outside: stores its data in external files" },
        { "h5py.h5o.set_comment(f['keep'].id, b'a comment')", "/keep: has a comment" },
        { "f.attrs['bad'] = np.array(b'\\xff\\xfe', dtype=h5py.string_dtype('ascii'))", "attribute 'bad' holds strings that are not valid UTF-8" },
        { "userblock", "user block of 512 bytes" },
    };

    [Theory]
    [MemberData(nameof(Unkeepable))]
    public void Content_PureHDF_cannot_write_back_is_refused_and_the_file_left_unchanged(string setup, string reason)
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        Python.Run(
            """
            import sys, os, h5py, numpy as np
            p, setup = sys.argv[1], sys.argv[2]
            with h5py.File(p, 'w', libver='latest', **({'userblock_size': 512} if setup == 'userblock' else {})) as f:
                f.create_dataset('keep', data=np.arange(6, dtype=np.uint8))
                if setup != 'userblock':
                    exec(setup)
            """,
            path,
            setup);
        string hash = Hash(path);
        string[] names = folder.Names();
        using var data = Pattern<int>([3, 3], i => i);

        var refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(path, "new", overwrite: true));
        Assert.Equal("path", refused.ParamName);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Write to a new file instead, or add the dataset with h5py.", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        refused = Assert.Throws<ArgumentException>(() => Hdf5Source.Write(path, "new", data, [3, 3], overwrite: true));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(path));
        Assert.Equal(names, folder.Names());
    }

    [Fact]
    public void Replacing_a_dataset_that_could_not_be_kept_is_allowed()
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string before = folder.File("before.h5");
        Python.Run(
            "import sys, h5py, numpy as np; f = h5py.File(sys.argv[1], 'w'); f['keep'] = np.arange(6); f.create_dataset('lzf', data=np.arange(100, dtype='>u2'), chunks=(10,), compression='lzf')",
            path);
        File.Copy(path, before);
        using var data = Pattern<ushort>([10, 10], i => (ushort)i);

        Hdf5Source.Write(path, "lzf", data, [5, 5], overwrite: true);

        Assert.Equal("[]", Python.Run(Compare, before, path, "/lzf").Trim());
        AssertDataset(path, "lzf", data, "uint16", "(5, 5)");
    }

    [Theory]
    [InlineData("not hdf5 at all\n")]
    [InlineData("")]
    public void A_file_that_is_not_HDF5_is_refused_and_left_unchanged(string content)
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.h5");
        File.WriteAllText(path, content);
        using var data = Pattern<byte>([2, 2], i => (byte)i);

        var refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(path, "raw", overwrite: true));
        Assert.Equal("path", refused.ParamName);
        Assert.Contains("is not an HDF5 file", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Hdf5Source.Write(path, "raw", data, [2, 2], overwrite: true));
        Assert.Equal(content, File.ReadAllText(path));
        Assert.Equal(["notes.h5"], folder.Names());
    }

    [Fact]
    public void A_folder_or_a_missing_folder_is_refused_before_anything_runs()
    {
        using var folder = new TempFolder();
        var refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(folder.Path, "raw", overwrite: false));
        Assert.Equal("path", refused.ParamName);
        Assert.Contains("is a folder", refused.Message, StringComparison.Ordinal);
        refused = Assert.Throws<ArgumentException>(() => Hdf5Source.CheckWrite(folder.File("missing/out.h5"), "raw", overwrite: false));
        Assert.Contains("does not exist", refused.Message, StringComparison.Ordinal);
        Hdf5Source.CheckWrite(folder.File("new.h5"), "raw", overwrite: false);
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void A_failure_while_writing_leaves_the_old_file_unchanged_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        Python.Run(
            """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], 'w') as f:
                f.create_dataset('raw', data=np.arange(1000, dtype=np.uint16).reshape(10, 100), chunks=(5, 50), compression='gzip')
                info = f['raw'].id.get_chunk_info(1)
            with open(sys.argv[1], 'r+b') as raw:
                raw.seek(info.byte_offset)
                raw.write(b'\x00' * info.size)
            """,
            path);
        string hash = Hash(path);
        using var data = Pattern<byte>([2, 2], i => (byte)i);

        Hdf5Source.CheckWrite(path, "new", overwrite: false);
        Assert.ThrowsAny<Exception>(() => Hdf5Source.Write(path, "new", data, [2, 2]));

        Assert.Equal(hash, Hash(path));
        Assert.Equal(["data.h5"], folder.Names());
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("contiguous")]
    [InlineData("unfiltered")]
    public void Large_datasets_are_copied_block_by_block_exactly(string layout)
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string before = folder.File("before.h5");
        Python.Run(
            """
            import sys, h5py, numpy as np
            data = (np.random.default_rng(3).integers(0, 60000, size=(13, 17, 11))).astype(np.uint16)
            options = {'chunked': dict(chunks=(4, 5, 3), compression='gzip', shuffle=True), 'contiguous': {}, 'unfiltered': dict(chunks=(5, 4, 11))}[sys.argv[2]]
            with h5py.File(sys.argv[1], 'w') as f:
                f.create_dataset('big', data=data, **options).attrs['kind'] = sys.argv[2]
            """,
            path,
            layout);
        File.Copy(path, before);
        using var data = Pattern<double>([3, 3, 3], i => -i);
        (long deferred, long block) = (Hdf5Rewrite.DeferredBytes, Hdf5Rewrite.BlockBytes);
        try
        {
            (Hdf5Rewrite.DeferredBytes, Hdf5Rewrite.BlockBytes) = (600, 600);
            Hdf5Source.Write(path, "other", data, [3, 3, 3]);
        }
        finally
        {
            (Hdf5Rewrite.DeferredBytes, Hdf5Rewrite.BlockBytes) = (deferred, block);
        }

        Assert.Equal("[]", Python.Run(Compare, before, path, "/other").Trim());
        AssertDataset(path, "other", data, "float64", "(3, 3, 3)");
    }

    [Fact]
    public void A_symbolic_link_to_the_file_stays_a_link_to_the_rewritten_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("data.h5");
        string link = folder.File("link.h5");
        Python.Run("import sys, h5py, numpy as np; h5py.File(sys.argv[1], 'w')['keep'] = np.arange(5)", path);
        File.CreateSymbolicLink(link, path);
        using var data = Pattern<int>([4], i => i);

        Hdf5Source.Write(link, "added", data, [2]);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("[0, 1, 2, 3, 4] [0, 1, 2, 3]", Python.Run("import sys, h5py; f = h5py.File(sys.argv[1]); print(list(f['keep'][()]), list(f['added'][()]))", path).Trim());
    }

    private static NdArray<T> Pattern<T>(int[] shape, Func<int, T> value)
        where T : unmanaged
    {
        var array = NdArray<T>.Allocate(shape);
        for (int i = 0; i < array.Length; i++)
        {
            array.Span[i] = value(i);
        }

        return array;
    }

    /// <summary>h5py reads the written dataset: its dtype, chunks, deflate compression, shape and the SHA-256 of its values.</summary>
    private static void AssertDataset<T>(string path, string key, NdArray<T> expected, string dtype, string chunks)
        where T : unmanaged
    {
        string sha = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(expected.Span)));
        string shape = expected.Rank == 1 ? $"({expected.Shape[0]},)" : $"({string.Join(", ", expected.Shape.ToArray())})";
        string report = Python.Run(
            "import sys, hashlib, h5py; d = h5py.File(sys.argv[1])[sys.argv[2]]; print(d.dtype, d.chunks, d.compression, d.shape, hashlib.sha256(d[()].tobytes()).hexdigest())",
            path,
            key);
        Assert.Equal($"{dtype} {chunks} gzip {shape} {sha}", report.Trim());
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bioimage-h5rewrite-{Guid.NewGuid():N}")).FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>The names in the folder, sorted (hidden temporary files included).</summary>
        public string[] Names() => [.. Directory.EnumerateFileSystemEntries(Path).Select(entry => System.IO.Path.GetFileName(entry)).Order(StringComparer.Ordinal)];

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
