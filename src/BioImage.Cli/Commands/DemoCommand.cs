using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage demo</c>: the main job on an embedded default. Generates a deterministic synthetic volume
/// (blobs + noise) and runs every operation that exists, writing results under <c>./bioimage-demo/</c>.
/// Each new operation adds its step here.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var outputDir = new Option<string>("--output-dir") { Description = "Where results go.", HelpName = "DIR", DefaultValueFactory = _ => "bioimage-demo" };
        var size = new Option<int>("--size") { Description = "Edge length of the cubic sample volume.", HelpName = "N", DefaultValueFactory = _ => 128 };
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 8 or > 1024)
            {
                r.AddError($"--size must be between 8 and 1024; got {r.GetValueOrDefault<int>()}.");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the sample volume.", DefaultValueFactory = _ => 42 };
        var dtype = CommonOptions.DType("Element type of the sample volume (integers are rounded and clipped).");
        dtype.DefaultValueFactory = _ => DType.Float32;
        var blockShape = CommonOptions.BlockShape();
        var workers = CommonOptions.Workers();
        var json = CommonOptions.Json();
        var command = new Command("demo", "Generate a synthetic 3D volume (blobs + noise) and run every available operation on it; no arguments needed.")
        {
            outputDir, size, seed, dtype, blockShape, workers, json,
        };
        command.SetAction(parse =>
        {
            var shape = parse.GetBlockShape(blockShape) ?? [64, 64, 64];
            CommonOptions.CheckRank(shape, 3);
            var settings = new Settings(parse.GetRequiredValue(outputDir), parse.GetValue(size), parse.GetValue(seed), shape, parse.GetValue(workers));
            var summary = parse.GetValue(dtype) is DType.Bool
                ? throw new UsageException("--dtype bool: the demo volume is an intensity image; choose a numeric dtype.")
                : parse.GetValue(dtype).Dispatch(new RunDemo(settings));
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CliJson.Write(writer, summary);
            }
            else
            {
                Print(summary, writer);
            }

            return BioImageCommand.Success;
        });
        return command;
    }

    private sealed record Step(string Name, string Output, double Milliseconds, string Result);

    private sealed record Summary(string OutputDirectory, int[] Shape, [property: JsonPropertyName("dtype")] string DType, long[] BlockShape, int Workers, List<Step> Steps);

    private sealed record Settings(string OutputDirectory, int Size, int Seed, long[] BlockShape, int Workers);

    private sealed class RunDemo(Settings settings) : IDTypeFunc<Summary>
    {
        public Summary Invoke<T>()
            where T : unmanaged, INumber<T> => Run<T>(settings);
    }

    private static Summary Run<T>(Settings settings)
        where T : unmanaged, INumber<T>
    {
        var (outputDirectory, size, seed, blockShape, workers) = settings;
        Directory.CreateDirectory(outputDirectory);
        var steps = new List<Step>();
        var clock = Stopwatch.StartNew();

        using var raw = SyntheticVolume.Generate<T>([size, size, size], seed: seed);
        string rawPath = Path.Combine(outputDirectory, "raw.npy");
        NpyFile.Write(rawPath, raw);
        steps.Add(new Step("generate", rawPath, Lap(clock), $"{raw.Length} voxels, 40 blobs + noise (σ={SyntheticVolume.NoiseSigma})"));

        var moments = Stats.Compute(raw, blockShape, workers);
        steps.Add(new Step("stats", "-", Lap(clock), string.Create(CultureInfo.InvariantCulture, $"min {moments.Min:F2}, max {moments.Max:F2}, mean {moments.Mean:F3}, std {moments.StandardDeviation:F3}")));

        using var mask = NdArray<bool>.Allocate(raw.Shape, clear: false);
        var level = T.CreateSaturating(SyntheticVolume.Background + (SyntheticVolume.BlobAmplitude / 2));
        long foreground = Threshold.GreaterThan(raw.AsSpan3D(), level, mask.AsSpan3D());
        string maskPath = Path.Combine(outputDirectory, "foreground.npy");
        NpyFile.Write(maskPath, mask);
        steps.Add(new Step("threshold", maskPath, Lap(clock), string.Create(CultureInfo.InvariantCulture, $"> {level}: {foreground} foreground voxels ({100.0 * foreground / raw.Length:F2} %)")));

        string zarrPath = Path.Combine(outputDirectory, "raw.zarr");
        var chunks = blockShape.Select(e => (int)Math.Min(e, size)).ToArray();
        var zarr = ChunkedArray.Create(zarrPath, null, new ArrayOptions { Shape = [size, size, size], DType = raw.DType, Chunks = chunks, Compressor = new ZstdCodec(3) });
        zarr.MaxDegreeOfParallelism = workers;
        zarr.WriteRegion(Region.FromShape([size, size, size]), raw);
        long stored = Directory.EnumerateFiles(zarrPath, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        steps.Add(new Step("zarr write", zarrPath, Lap(clock), string.Create(CultureInfo.InvariantCulture, $"zarr v3, zstd:3, chunks ({string.Join(", ", chunks)}): {stored} bytes ({(double)raw.Length * raw.DType.ItemSize() / Math.Max(stored, 1):F2}× smaller)")));

        using var back = ChunkedArray.Open(zarrPath).Read<T>();
        bool identical = back.Span.SequenceEqual(raw.Span);
        steps.Add(new Step("zarr read", "-", Lap(clock), identical ? "read back, identical to the generated volume" : "read back DIFFERS from the generated volume"));
        if (!identical)
        {
            throw new InvalidOperationException($"{zarrPath} did not read back the volume that was written.");
        }

        var runOptions = new RunOptions { BlockShape = [.. blockShape.Select(e => Math.Min(e, size))], Workers = workers };
        var rawSource = Source.Open(rawPath);
        var smoothing = new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, Sigma = [2] };
        string smoothPath = Path.Combine(outputDirectory, "smoothed.npy");
        Runner.Run(smoothing, [rawSource], [NpySource.Create(smoothPath, GaussianFilterOperation.OutputDType(raw.DType), raw.Shape.ToArray().Select(e => (long)e).ToArray())], runOptions);
        steps.Add(new Step("smooth", smoothPath, Lap(clock), $"gaussian σ=2 block-wise, halo ({string.Join(", ", smoothing.GetHalo(3))}) = the kernel radius"));

        var downsample = DownsampleOperation.For(rawSource, [2], method: PoolingMethod.Mean);
        var downShape = downsample.OutputShape(rawSource.Shape);
        string downPath = Path.Combine(outputDirectory, "downsampled.npy");
        Runner.Run(downsample, [], [NpySource.Create(downPath, raw.DType, downShape)], runOptions with { BlockShape = [.. runOptions.BlockShape!.Select((e, axis) => Math.Min(e, downShape[axis]))] });
        steps.Add(new Step("downsample", downPath, Lap(clock), $"2× mean pooling block-wise to ({string.Join(", ", downShape)})"));

        string pyramidPath = Path.Combine(outputDirectory, "raw.ome.zarr");
        var levels = Pyramid.Write(rawSource, pyramidPath, new PyramidOptions { Levels = 3 }, runOptions with { BlockShape = null });
        steps.Add(new Step("pyramid", pyramidPath, Lap(clock), $"OME-NGFF 0.5, mean: {string.Join(" → ", levels.Select(l => "(" + string.Join(", ", l) + ")"))}"));

        string labelsPath = Path.Combine(outputDirectory, "labels.npy");
        long components = Label.Run(Source.Open(maskPath), NpySource.Create(labelsPath, DType.UInt32, rawSource.Shape.ToArray()), runOptions, connectivity: 1);
        steps.Add(new Step("label", labelsPath, Lap(clock), $"{components} connected components of the foreground, block-wise (6-connectivity), numbered as scipy.ndimage.label"));

        string filteredPath = Path.Combine(outputDirectory, "labels-filtered.npy");
        var filtered = Relabeling.SizeFilter(Source.Open(labelsPath), NpySource.Create(filteredPath, DType.UInt32, rawSource.Shape.ToArray()), runOptions, minSize: 20);
        steps.Add(new Step("size filter", filteredPath, Lap(clock), $"kept {filtered.Kept} of {filtered.Kept + filtered.Removed} components with ≥ 20 voxels, renumbered 1..{filtered.Kept} (bioimage-py size_filter)"));

        steps.AddRange(Segment(outputDirectory, maskPath, runOptions, clock));

        return new Summary(Path.GetFullPath(outputDirectory), raw.Shape.ToArray(), raw.DType.NumpyName(), blockShape, workers, steps);
    }

    /// <summary>
    /// The segmentation steps on the thresholded volume: its distance transform (block-wise, halo 8), seeds at the
    /// distance maxima (min_distance 4, above 2 voxels) and a watershed of the inverted distances within the foreground.
    /// </summary>
    private static IEnumerable<Step> Segment(string outputDirectory, string maskPath, RunOptions runOptions, Stopwatch clock)
    {
        var foreground = Source.Open(maskPath);
        int[] shape = [.. foreground.Shape.Select(e => (int)e)];
        string distancePath = Path.Combine(outputDirectory, "distances.npy");
        var distanceOperation = new DistanceTransformOperation { Halo = [8] };
        Runner.Run(distanceOperation, [foreground], [NpySource.Create(distancePath, DType.Float32, foreground.Shape)], runOptions);
        using var distances = NpyFile.Read<float>(distancePath);
        yield return new Step("distance", distancePath, Lap(clock), string.Create(CultureInfo.InvariantCulture, $"exact EDT of the foreground block-wise, halo 8: max {distances.Span.ToArray().Max():F2} voxels"));

        var peaks = LocalMaximaOperation.Find(new ArraySource<float>(distances), runOptions, minDistance: 4, thresholdAbs: 2, globalThresholds: true);
        using var seeds = NdArray<uint>.Allocate(shape);
        using var heights = NdArray<float>.Allocate(shape, clear: false);
        for (int i = 0; i < peaks.GetLength(0); i++)
        {
            seeds[(int)peaks[i, 0], (int)peaks[i, 1], (int)peaks[i, 2]] = (uint)(i + 1);
        }

        for (int i = 0; i < heights.Length; i++)
        {
            heights.Span[i] = -distances.Span[i];
        }

        NpyFile.Write(Path.Combine(outputDirectory, "seeds.npy"), seeds);
        string segmentationPath = Path.Combine(outputDirectory, "watershed.npy");
        using var labels = NdArray<uint>.Allocate(shape);
        WatershedOperation.Run(new ArraySource<float>(heights), new ArraySource<uint>(seeds), new ArraySource<uint>(labels), [8], runOptions with { Mask = foreground });
        NpyFile.Write(segmentationPath, labels);
        long labelled = labels.Span.Length - labels.Span.Count(0u);
        yield return new Step("watershed", segmentationPath, Lap(clock), $"{peaks.GetLength(0)} seeds at distance maxima, inverted distances flooded block-wise (halo 8) in the foreground: {labelled} voxels labelled");
    }

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return Math.Round(ms, 1);
    }

    private static void Print(Summary summary, TextWriter writer)
    {
        writer.WriteLine($"bioimage demo: {summary.DType} volume ({string.Join(", ", summary.Shape)}), blocks ({string.Join(", ", summary.BlockShape)}), {summary.Workers} worker(s)");
        foreach (var step in summary.Steps)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Name,-10} {step.Milliseconds,9:F1} ms  {step.Result}"));
            if (step.Output != "-")
            {
                writer.WriteLine($"  {string.Empty,-10} {string.Empty,9}     -> {step.Output}");
            }
        }

        writer.WriteLine($"results in {summary.OutputDirectory}");
    }
}
