// The program of the fresh console project that scripts/package.sh publishes with NativeAOT from the packages: the
// library's operations run in-process (local threads) in a native executable. Stats with a histogram on a ramp,
// checked against a brute-force count and closed forms; prints "aot ok: …" (exit 0) or what differs (exit 1).
// Usage: DIR.
using BioImage;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

string path = Path.Combine(Path.GetFullPath(args.Length == 1 ? args[0] : throw new ArgumentException("usage: aot DIR")), "ramp.npy");
const int Length = 30 * 40 * 50;
using (var ramp = NdArray<int>.Allocate([30, 40, 50]))
{
    for (int i = 0; i < Length; i++)
    {
        ramp.Span[i] = i % 1000;
    }

    NpyFile.Write(path, ramp);
}

var result = Executor.Compute(new Stats { HistogramBins = 8, HistogramRange = [0, 1000] }, [Source.Open(path)], [], new RunOptions { Workers = 2, BlockShape = [7, 16, 16] });
var expected = new long[8];
for (int i = 0; i < Length; i++)
{
    expected[i % 1000 / 125]++;
}

// 60 full cycles of 0..999: mean 499.5, population variance (1000² − 1)/12.
var moments = result.Moments;
bool ok = result.Histogram!.SequenceEqual(expected) && moments.Count == Length && moments.Min == 0 && moments.Max == 999
    && Math.Abs(moments.Mean - 499.5) <= 1e-12 * 499.5 && Math.Abs(moments.StandardDeviation - Math.Sqrt(999_999 / 12.0)) <= 1e-12 * 289;
Console.WriteLine(ok
    ? $"aot ok: stats and histogram of {Length} voxels in a NativeAOT executable"
    : $"aot FAILED: histogram [{string.Join(", ", result.Histogram!)}] (expected [{string.Join(", ", expected)}]), {moments}");
return ok ? 0 : 1;
