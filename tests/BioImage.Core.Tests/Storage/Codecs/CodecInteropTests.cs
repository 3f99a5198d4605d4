using System.Text.Json;
using BioImage.Storage.Codecs;
using BioImage.Storage.Codecs.Native;

namespace BioImage.Core.Tests.Storage.Codecs;

/// <summary>
/// Every bytes→bytes codec against numcodecs 0.11 (c-blosc 1.21, libzstd, liblz4, zlib): numcodecs decodes what
/// we encode and we decode what numcodecs encodes, for several element sizes, shuffles and data shapes; with the
/// managed fallbacks, and with the native libraries — that run asserts that zstd, lz4 and deflate really go through
/// libzstd, liblz4 and libdeflate, and is reported skipped where they are absent (<see cref="NativeCodecsFactAttribute"/>).
/// </summary>
public class CodecInteropTests
{
    private sealed record Case(string Name, string NumcodecsConfig, IBytesToBytesCodec Codec, DType DType, int Count);

    private static IEnumerable<Case> Cases()
    {
        DType[] dtypes = [DType.UInt8, DType.UInt16, DType.Float32, DType.Float64];
        int[] counts = [1000, 70000];
        foreach (var dtype in dtypes)
        {
            foreach (int count in counts)
            {
                string suffix = $"{dtype.NumpyName()}-{count}";
                foreach (string cname in new[] { "lz4", "lz4hc", "zstd", "zlib", "blosclz" })
                {
                    foreach (var (shuffle, code) in new[] { (BloscShuffle.NoShuffle, 0), (BloscShuffle.Shuffle, 1), (BloscShuffle.BitShuffle, 2) })
                    {
                        yield return new Case($"blosc-{cname}-{code}-{suffix}", $"{{\"id\":\"blosc\",\"cname\":\"{cname}\",\"clevel\":5,\"shuffle\":{code},\"blocksize\":0}}", new BloscCodec(cname, 5, shuffle), dtype, count);
                    }
                }

                yield return new Case($"zstd-{suffix}", "{\"id\":\"zstd\",\"level\":1}", new ZstdCodec(1), dtype, count);
                yield return new Case($"zstd-checksum-{suffix}", "{\"id\":\"zstd\",\"level\":3}", new ZstdCodec(3, true), dtype, count);
                yield return new Case($"lz4-{suffix}", "{\"id\":\"lz4\",\"acceleration\":1}", new Lz4Codec(), dtype, count);
                yield return new Case($"gzip-{suffix}", "{\"id\":\"gzip\",\"level\":1}", new DeflateCodec(1), dtype, count);
                yield return new Case($"zlib-{suffix}", "{\"id\":\"zlib\",\"level\":5}", new DeflateCodec(5, Zlib: true), dtype, count);
            }
        }
    }

    private const string Script = """
import json, sys, os
import numpy as np
import numcodecs
folder = sys.argv[1]
for case in json.load(open(os.path.join(folder, 'cases.json'))):
    codec = numcodecs.get_codec(json.loads(case['config']))
    raw = open(os.path.join(folder, case['name'] + '.raw'), 'rb').read()
    data = np.frombuffer(raw, dtype=case['dtype'])
    open(os.path.join(folder, case['name'] + '.theirs'), 'wb').write(bytes(codec.encode(data)))
    ours = open(os.path.join(folder, case['name'] + '.ours'), 'rb').read()
    decoded = bytes(codec.decode(ours))
    if decoded != raw:
        raise SystemExit('numcodecs decoded our ' + case['name'] + ' differently')
print('ok')
""";

    [Fact]
    public void Numcodecs_and_our_managed_fallbacks_decode_each_others_output() => DecodeEachOthersOutput(native: false);

    [NativeCodecsFact]
    public void Numcodecs_and_our_native_library_paths_decode_each_others_output() => DecodeEachOthersOutput(native: true);

    private static void DecodeEachOthersOutput(bool native)
    {
        bool previous = NativeCodecs.PreferNative;
        NativeCodecs.PreferNative = native;
        string folder = Directory.CreateTempSubdirectory("bioimage-codecs-").FullName;
        try
        {
            // The path under test is the one the codecs take: a missing library would quietly select the fallback.
            Assert.True(NativeCodecs.UseNativeZstd == native, $"zstd {(native ? "does not run through" : "runs through")} {LibZstd.Name}.");
            Assert.True(NativeCodecs.UseNativeLz4 == native, $"lz4 {(native ? "does not run through" : "runs through")} {LibLz4.Name}.");
            Assert.True(NativeCodecs.UseNativeDeflate == native, $"gzip/zlib {(native ? "do not run through" : "run through")} {LibDeflate.Name}.");
            var cases = Cases().ToList();
            foreach (var c in cases)
            {
                var raw = Data(c.DType, c.Count);
                var spec = new ChunkSpec([c.Count], c.DType, new byte[c.DType.ItemSize()]);
                var encoded = new byte[c.Codec.MaxEncodedLength(raw.Length)];
                int length = c.Codec.Encode(raw, encoded, spec);
                File.WriteAllBytes(Path.Combine(folder, c.Name + ".raw"), raw);
                File.WriteAllBytes(Path.Combine(folder, c.Name + ".ours"), encoded[..length]);
            }

            File.WriteAllText(Path.Combine(folder, "cases.json"), JsonSerializer.Serialize(cases.Select(c => new Dictionary<string, string> { ["name"] = c.Name, ["config"] = c.NumcodecsConfig, ["dtype"] = "<" + (c.DType == DType.Float32 ? "f4" : c.DType == DType.Float64 ? "f8" : "u" + c.DType.ItemSize()) })));
            Assert.Equal("ok", Python.Run(Script, folder).Trim());
            foreach (var c in cases)
            {
                var raw = File.ReadAllBytes(Path.Combine(folder, c.Name + ".raw"));
                var theirs = File.ReadAllBytes(Path.Combine(folder, c.Name + ".theirs"));
                var decoded = new byte[raw.Length];
                int length = c.Codec.Decode(theirs, decoded, new ChunkSpec([c.Count], c.DType, new byte[c.DType.ItemSize()]));
                Assert.True(length == raw.Length && decoded.AsSpan().SequenceEqual(raw), $"we decoded numcodecs' {c.Name} differently");
            }
        }
        finally
        {
            NativeCodecs.PreferNative = previous;
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Smooth ramps plus a little noise: compressible like images, with all byte positions in play.</summary>
    internal static byte[] Data(DType dtype, int count)
    {
        var random = new Random(count + (int)dtype);
        var bytes = new byte[count * dtype.ItemSize()];
        for (int i = 0; i < count; i++)
        {
            double value = (Math.Sin(i / 50.0) * 100) + 120 + random.Next(4);
            var span = bytes.AsSpan(i * dtype.ItemSize());
            switch (dtype)
            {
                case DType.UInt8: span[0] = (byte)value; break;
                case DType.UInt16: BitConverter.TryWriteBytes(span, (ushort)(value * 200)); break;
                case DType.Float32: BitConverter.TryWriteBytes(span, (float)value); break;
                default: BitConverter.TryWriteBytes(span, value); break;
            }
        }

        return bytes;
    }
}
