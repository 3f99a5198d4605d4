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
using BioImage.Sources.Wrappers;
using BioImage.Storage;
using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage demo</c>: the main job on an embedded default. Generates a deterministic synthetic volume
/// (blobs + noise) and runs every operation verb through <see cref="Executor"/>, as the verbs do, writing results
/// under <c>./bioimage-demo/</c> (replacing only the demo's own earlier results); it names the verbs it leaves out and
/// why. Each new operation adds its step here.
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

    private sealed record Summary(string OutputDirectory, int[] Shape, [property: JsonPropertyName("dtype")] string DType, long[] BlockShape, int Workers, List<Step> Steps, string[] LeftOut);

    private sealed record Settings(string OutputDirectory, int Size, int Seed, long[] BlockShape, int Workers);

    private sealed class RunDemo(Settings settings) : IDTypeFunc<Summary>
    {
        public Summary Invoke<T>()
            where T : unmanaged, INumber<T> => Run<T>(settings);
    }

    /// <summary>Verbs the demo does not run: they describe files or drive runs rather than compute.</summary>
    private static readonly string[] LeftOut =
    [
        "info (describes a file: try `bioimage info bioimage-demo/raw.zarr`)",
        "map-points (needs a table of points: try `bioimage map-points bioimage-demo/watershed.npy points.csv`)",
        "segmentation-filter (runs your own filter class: see \"Write your own filter\" in the README)",
        "stitch-tiles and stitch-segmentation (stitch a tiled segmentation; stitch-segmentation runs your own TileSegmenter class)",
        "solve-multicut and multicut (a multicut problem, or a boundary map in [0, 1]: try `bioimage rag bioimage-demo/watershed.npy g.npz --boundaries B --costs`, then `bioimage solve-multicut g.npz`)",
        "config, reattach and worker (set up and drive distributed runs; the demo runs on local threads)",
    ];

    private static Summary Run<T>(Settings settings)
        where T : unmanaged, INumber<T>
    {
        var (outputDirectory, size, seed, blockShape, workers) = settings;
        ClaimOutputDirectory(outputDirectory);
        var steps = new List<Step>();
        var clock = Stopwatch.StartNew();

        using var raw = SyntheticVolume.Generate<T>([size, size, size], seed: seed);
        string rawPath = Path.Combine(outputDirectory, "raw.npy");
        NpyFile.Write(rawPath, raw);
        steps.Add(new Step("generate", rawPath, Lap(clock), $"{raw.Length} voxels, 40 blobs + noise (σ={SyntheticVolume.NoiseSigma})"));

        var options = new RunOptions { BlockShape = [.. blockShape.Select(e => Math.Min(e, size))], Workers = workers };
        var rawSource = Source.Open(rawPath);
        string Out(string name) => Path.Combine(outputDirectory, name);
        Step RunVerb(string name, Operation operation, ISource[] inputs, ArrayTarget[] outputs, string? text = null, RunOptions? runOptions = null)
        {
            var report = Executor.Run(operation, inputs, outputs, runOptions ?? options, overwrite: true);
            return new Step(name, outputs.Length == 0 ? "-" : outputs[0].Key is null ? outputs[0].Path : Path.GetDirectoryName(outputs[0].Path + "/")!, Lap(clock), text ?? report.ResultText);
        }

        steps.Add(RunVerb("stats", new Stats(), [rawSource], []));
        var zstd = new ArrayTarget(Out("raw.zarr")) { Codec = "zstd:3", Chunks = [.. options.BlockShape.Select(e => (int)e)] };
        var copy = RunVerb("copy", new CopyVerb(), [rawSource], [zstd]);
        using (var back = ChunkedArray.Open(zstd.Path).Read<T>())
        {
            if (!back.Span.SequenceEqual(raw.Span))
            {
                throw new InvalidOperationException($"{zstd.Path} did not read back the volume that was written.");
            }
        }

        steps.Add(copy with { Result = "raw.npy → Zarr v3, zstd:3; read back, identical to the generated volume" });

        var level = SyntheticVolume.Background + (SyntheticVolume.BlobAmplitude / 2);
        var threshold = RunVerb("threshold", new CopyVerb(), [rawSource.Threshold(level)], [new ArrayTarget(Out("foreground.npy"))]);
        var foreground = Source.Open(Out("foreground.npy"));
        var flags = UniqueValues.Compute(foreground, options, counts: true);
        long voxels = flags.Values.Length == 2 ? flags.Counts![1] : flags.Values.Cast<byte>().FirstOrDefault() == 1 ? flags.Counts![0] : 0;
        steps.Add(threshold with { Result = string.Create(CultureInfo.InvariantCulture, $"copy of raw > {level}: {voxels} foreground voxels ({100.0 * voxels / raw.Length:F2} %)") });
        steps.Add(RunVerb("filter", new FilterVerb { Filter = new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, Sigma = [2] } }, [rawSource], [new ArrayTarget(Out("smoothed.npy"))], "gaussian-smoothing σ=2, halo = the kernel radius"));
        steps.Add(RunVerb("downsample", new DownsampleVerb { Downsample = new DownsampleOperation { Factor = [2], Method = PoolingMethod.Mean } }, [rawSource], [new ArrayTarget(Out("downsampled.npy"))], "2× mean pooling", options with { BlockShape = [.. options.BlockShape.Select(e => Math.Min(e, (size + 1) / 2))] }));
        var pyramid = new Pyramid { Options = new PyramidOptions { Levels = 3 } };
        steps.Add(RunVerb("pyramid", pyramid, [rawSource], [.. pyramid.LevelTargets(new ArrayTarget(Out("raw.ome.zarr")))]));
        steps.Add(RunVerb("label", new Label { DType = DType.UInt32 }, [foreground], [new ArrayTarget(Out("labels.npy"))]));
        var labels = Source.Open(Out("labels.npy"));
        steps.Add(RunVerb("unique", new UniqueValues(), [labels], [], "the distinct labels (see `bioimage unique bioimage-demo/labels.npy --counts`)"));
        steps.Add(RunVerb("apply", new ApplyVerb { Operator = ElementwiseOperator.Subtract }, [rawSource, Source.Open(Out("smoothed.npy"))], [new ArrayTarget(Out("high-pass.npy"))], "raw − smoothed (numpy's subtract and result dtype)"));
        steps.Add(RunVerb("isin", new IsInVerb { Values = ["1", "2", "3"] }, [labels], [new ArrayTarget(Out("labels-1-2-3.npy"))], "where the labels are 1, 2 or 3 (numpy's isin)"));
        steps.Add(RunVerb("size-filter", new SizeFilterVerb { MinSize = 20 }, [labels], [new ArrayTarget(Out("labels-filtered.npy"))]));
        steps.Add(RunVerb("relabel-consecutive", new RelabelConsecutiveVerb { StartLabel = 1 }, [Source.Open(Out("labels-filtered.npy"))], [new ArrayTarget(Out("labels-consecutive.zarr"))]));
        steps.AddRange(Segment(outputDirectory, foreground, options, clock, RunVerb));
        var watershed = Source.Open(Out("watershed.npy"));
        steps.Add(RunVerb("morphology", new Morphology(), [watershed], []));
        steps.Add(RunVerb("regionprops", new Regionprops { Surface = true }, [watershed], []));
        steps.Add(RunVerb("evaluate", new Evaluation(), [watershed, labels], []));
        steps.Add(RunVerb("dice", new Dice { ThresholdSeg = level, ThresholdGt = 0 }, [rawSource, watershed], []));
        steps.Add(RunVerb("rag", new RegionAdjacency { Npz = Out("watershed-graph.npz") }, [watershed, Source.Open(Out("smoothed.npy"))], []));
        return new Summary(Path.GetFullPath(outputDirectory), raw.Shape.ToArray(), raw.DType.NumpyName(), blockShape, workers, steps, LeftOut);
    }

    /// <summary>
    /// The demo replaces its own results only: an output folder that exists must carry the demo's marker (written when
    /// the demo created it), so a folder of the user's is never written into.
    /// </summary>
    private static void ClaimOutputDirectory(string outputDirectory)
    {
        string marker = Path.Combine(outputDirectory, ".bioimage-demo");
        if (Directory.Exists(outputDirectory) && Directory.EnumerateFileSystemEntries(outputDirectory).Any() && !File.Exists(marker))
        {
            throw new UsageException($"--output-dir {outputDirectory} exists and was not made by the demo; choose another folder (the demo replaces only its own results).");
        }

        Directory.CreateDirectory(outputDirectory);
        File.WriteAllText(marker, "Results of `bioimage demo`; the demo replaces them when it runs again.\n");
    }

    /// <summary>
    /// The segmentation steps on the thresholded volume: its distance transform (block-wise, halo 8), seeds at the
    /// distance maxima (min_distance 4, above 2 voxels), a watershed of the inverted distances within the foreground,
    /// and elf's distance-transform watershed of the background as a boundary map.
    /// </summary>
    private static IEnumerable<Step> Segment(string outputDirectory, ISource foreground, RunOptions options, Stopwatch clock, Func<string, Operation, ISource[], ArrayTarget[], string?, RunOptions?, Step> verb)
    {
        int[] shape = [.. foreground.Shape.Select(e => (int)e)];
        string distancePath = Path.Combine(outputDirectory, "distances.npy");
        yield return verb("distance-transform", new DistanceTransformVerb { Transform = new DistanceTransformOperation { Halo = [8] } }, [foreground], [new ArrayTarget(distancePath)], "exact EDT of the foreground, halo 8", null);
        using var distances = NpyFile.Read<float>(distancePath);
        var peaks = LocalMaximaOperation.Find(new ArraySource<float>(distances), options, minDistance: 4, thresholdAbs: 2, globalThresholds: true);
        using var seeds = NdArray<uint>.Allocate(shape);
        using var heights = NdArray<float>.Allocate(shape, clear: false);
        using var boundaries = NdArray<float>.Allocate(shape, clear: false);
        for (int i = 0; i < peaks.GetLength(0); i++)
        {
            seeds[(int)peaks[i, 0], (int)peaks[i, 1], (int)peaks[i, 2]] = (uint)(i + 1);
        }

        for (int i = 0; i < heights.Length; i++)
        {
            heights.Span[i] = -distances.Span[i];
            boundaries.Span[i] = distances.Span[i] > 0 ? 0 : 1;
        }

        string seedsPath = Path.Combine(outputDirectory, "seeds.npy"), heightsPath = Path.Combine(outputDirectory, "heights.npy"), boundariesPath = Path.Combine(outputDirectory, "boundaries.npy");
        NpyFile.Write(seedsPath, seeds);
        NpyFile.Write(heightsPath, heights);
        NpyFile.Write(boundariesPath, boundaries);
        yield return new Step("find maxima", seedsPath, Lap(clock), $"{peaks.GetLength(0)} seeds at distance maxima (peak_local_max, min distance 4)");
        yield return verb("watershed", new WatershedVerb { Watershed = new WatershedOperation { Halo = [8] }, DType = DType.UInt32 }, [Source.Open(heightsPath), Source.Open(seedsPath)], [new ArrayTarget(Path.Combine(outputDirectory, "watershed.npy"))], "inverted distances flooded from the seeds within the foreground, halo 8", options with { Mask = foreground });
        yield return verb("dt-watershed", new DistanceTransformWatershedVerb { Segmentation = new DistanceTransformWatershedOperation { Halo = [8], Options = new(0.5, 2) } }, [Source.Open(boundariesPath)], [new ArrayTarget(Path.Combine(outputDirectory, "dt-watershed.zarr"))], "elf's distance-transform watershed of the background as boundaries, halo 8", null);
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
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Name,-19} {step.Milliseconds,9:F1} ms  {step.Result}"));
            if (step.Output != "-")
            {
                writer.WriteLine($"  {string.Empty,-19} {string.Empty,9}     -> {step.Output}");
            }
        }

        writer.WriteLine($"not run: {string.Join("; ", summary.LeftOut)}");
        writer.WriteLine($"results in {summary.OutputDirectory}");
    }
}
