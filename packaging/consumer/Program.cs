// The program of the fresh console project that scripts/package.sh creates (`dotnet new console`, then
// `dotnet add package BioImage.Core` from the packed folder): it uses the library package as a NuGet user does and
// runs its own block operation (tests/BioImage.Consumer.Sample/AffineOperation.cs, copied beside it with the package
// it uses, CommunityToolkit.HighPerformance) and a built-in one on subprocess workers (the library is its own worker),
// checks both against closed forms (the affine map exactly, the mean within 1e-12 relative) and prints
// "consumer ok: …" (exit 0) or what differs (exit 1). Usage: DIR.
using BioImage;
using BioImage.Consumer.Sample;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

string folder = Path.GetFullPath(args.Length == 1 ? args[0] : throw new ArgumentException("usage: consumer DIR"));
int[] shape = [20, 30, 40];
string inputPath = Path.Combine(folder, "input.npy");
string outputPath = Path.Combine(folder, "output.npy");
using (var ramp = NdArray<float>.Allocate(shape))
{
    for (int i = 0; i < ramp.Length; i++)
    {
        ramp.Span[i] = i % 97 * 0.25f;   // multiples of 1/4 below 25: exact in float, and their sum in double
    }

    NpyFile.Write(inputPath, ramp);
}

var options = new RunOptions
{
    JobType = JobType.Subprocess,
    Workers = 2,
    BlockShape = [8, 16, 16],
    TmpRoot = Directory.CreateDirectory(Path.Combine(folder, "tmp")).FullName,
};
Runner.Run(new AffineOperation { Scale = 3, Offset = 0.5f }, [Source.Open(inputPath)], [NpySource.Create(outputPath, DType.Float32, [.. shape.Select(n => (long)n)])], options);
var moments = Stats.Compute(Source.Open(inputPath), options);

using var input = NpyFile.Read<float>(inputPath);
using var output = NpyFile.Read<float>(outputPath);
int wrong = 0;
for (int i = 0; i < input.Length; i++)
{
    wrong += output.Span[i] == (input.Span[i] * 3f) + 0.5f ? 0 : 1;
}

double sum = 0;
for (int i = 0; i < input.Length; i++)
{
    sum += i % 97 * 0.25;
}

double mean = sum / input.Length;
if (wrong > 0 || Math.Abs(moments.Mean - mean) > 1e-12 * mean || moments.Count != input.Length)
{
    Console.Error.WriteLine($"consumer FAILED: {wrong} wrong voxels; mean {moments.Mean} (expected {mean}), count {moments.Count} (expected {input.Length})");
    return 1;
}

Console.WriteLine($"consumer ok: affine on {input.Length} voxels and stats (mean {mean}) on {options.Workers} subprocess workers");
return 0;
