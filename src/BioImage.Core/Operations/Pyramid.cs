using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Operations;

/// <summary>
/// Writes an OME-Zarr multiscale image: level s0 is a block-wise copy of the input, level sk halves level sk−1 per
/// axis (ceil shapes) by <see cref="PyramidMethod"/>: mode (labels; never invents a label) or nearest for label images,
/// mean pooling or anti-aliased linear resizing for intensity images. The group's metadata is OME-NGFF 0.4
/// (<c>.zattrs</c> "multiscales", Zarr v2) or 0.5 (<c>zarr.json</c> attributes "ome", Zarr v3; the level arrays carry
/// the axis names as <c>dimension_names</c>) with space axes (and their unit) and, per level, a <c>scale</c> and a
/// <c>translation</c> in physical units: pooled levels have voxel size · 2^k and the box centre
/// voxel size · (2^k − 1)/2; resized levels sample s0 at o · n0/nk (bioimage-py's ResizedSource positions), so
/// their scale is voxel size · n0/nk and their translation 0. Writing over an existing pyramid (overwrite) replaces the
/// levels and the multiscales entry instead of appending another, and deletes the levels the previous entry listed
/// that the new one does not. One pass per level.
/// </summary>
public sealed class Pyramid : Operation<PyramidResult>
{
    /// <summary>Levels, downsampling and physical axes.</summary>
    public PyramidOptions Options { get; set; } = new();

    /// <inheritdoc />
    public override string Name => "pyramid";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => [.. Enumerable.Range(0, Options.Levels).Select(level => $"s{level}")];

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <inheritdoc />
    /// <remarks>Never, even with one level: a pyramid's metadata and stale levels are rewritten as a whole.</remarks>
    public override bool RunsBlockSubsets => false;

    /// <summary>The level arrays s0, s1, … inside the OME-Zarr folder <paramref name="container"/> names (its storage settings apply to each).</summary>
    public IReadOnlyList<ArrayTarget> LevelTargets(ArrayTarget container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Key is not null || System.IO.Path.GetExtension(container.Path.TrimEnd('/')).ToLowerInvariant() is ".n5" or ".npy" || container.IsHdf5)
        {
            throw new ArgumentException($"A pyramid is an OME-Zarr folder (e.g. image.ome.zarr) without a key; got {container.Name}.", nameof(container));
        }

        return [.. Enumerable.Range(0, Options.Levels).Select(level => container with { Key = $"s{level}" })];
    }

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        int rank = inputs[0].Shape.Count;
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"An OME-Zarr pyramid needs a 2D or 3D image; the input has {rank} axes.", nameof(inputs));
        }

        Options.Validate(rank);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var input = inputs[0];
        string[] names = AxisNames(input.Shape.Count);
        IReadOnlyList<long>? chunks = input.Chunks is null ? null : [.. input.Chunks.Select(e => Math.Clamp(e, 1, 64))];
        var layouts = new List<ArrayLayout>();
        IReadOnlyList<long> shape = input.Shape;
        var dtype = input.DType;
        for (int level = 0; level < Options.Levels; level++)
        {
            var downsample = Downsampling(Options.EffectiveMethod, level == 0 ? 1 : 2);
            shape = downsample.OutputShape(shape);
            dtype = downsample.OutputDType(dtype);
            layouts.Add(new ArrayLayout(shape, dtype, chunks, DimensionNames: names));
        }

        return layouts;
    }

    /// <inheritdoc />
    public override PyramidResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var outputs = run.Outputs;
        string path = outputs[0].Spec?.Path ?? throw new ArgumentException("A pyramid is written to an OME-Zarr folder, not to memory.", nameof(run));
        var format = ((ChunkedSource)outputs[0]).Array.Metadata.Format;
        var stale = PreviousLevels(path);
        for (int level = 0; level < outputs.Count; level++)
        {
            if (level == 0)
            {
                run.Blocks(new CopyOperation(), run.Inputs, [outputs[0]]);
            }
            else
            {
                var step = Downsampling(Options.EffectiveMethod, 2);
                step.Input = outputs[level - 1].Spec;
                step.InputSource = outputs[level - 1];
                run.Blocks(step, [], [outputs[level]]);
            }
        }

        var shapes = outputs.Select(o => o.Shape.ToArray()).ToList();
        WriteMetadata(path, AxisNames(shapes[0].Length), shapes, Options, format);
        foreach (string level in stale.Except(Enumerable.Range(0, outputs.Count).Select(k => $"s{k}")))
        {
            Directory.Delete(Path.Combine(path, level), recursive: true);
        }

        return new PyramidResult(format == StorageFormat.ZarrV2 ? "0.4" : "0.5", Options.EffectiveMethod.ToString().ToLowerInvariant(), shapes);
    }

    /// <inheritdoc />
    public override string Describe(PyramidResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"OME-NGFF {result.Ngff}, {result.Method}: {string.Join(" → ", result.Levels.Select(s => "(" + string.Join(", ", s) + ")"))}";
    }

    private static string[] AxisNames(int rank) => rank == 3 ? ["z", "y", "x"] : ["y", "x"];

    /// <summary>The level paths the existing multiscales entries (0.4 or 0.5) list that are plain s&lt;k&gt; folders present on disk.</summary>
    private static List<string> PreviousLevels(string path)
    {
        if (!Directory.Exists(path))
        {
            return [];
        }

        var store = new FileSystemStore(path);
        var multiscales = (JsonDocuments.Read(store, ".zattrs")?["multiscales"] as JsonArray ?? [])
            .Concat(JsonDocuments.Read(store, "zarr.json")?["attributes"]?["ome"]?["multiscales"] as JsonArray ?? []);
        return [.. multiscales
            .SelectMany(entry => entry?["datasets"] as JsonArray ?? [])
            .Select(dataset => dataset?["path"]?.GetValue<string>())
            .OfType<string>()
            .Where(level => level.Length > 1 && level[0] == 's' && level[1..].All(char.IsAsciiDigit) && Directory.Exists(Path.Combine(path, level)))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The step that makes a level from the previous one (factor 1 for s0, whose dtype and shape it only reports).</summary>
    private static DownsampleOperation Downsampling(PyramidMethod method, int factor) => method switch
    {
        PyramidMethod.Mean => new DownsampleOperation { Factor = [factor], Method = PoolingMethod.Mean },
        PyramidMethod.Mode => new DownsampleOperation { Factor = [factor], Method = PoolingMethod.Mode },
        PyramidMethod.Max => new DownsampleOperation { Factor = [factor], Method = PoolingMethod.Max },
        PyramidMethod.Min => new DownsampleOperation { Factor = [factor], Method = PoolingMethod.Min },
        PyramidMethod.Linear when factor > 1 => new DownsampleOperation { Factor = [factor], Order = 1, AntiAliasing = true },
        PyramidMethod.Cubic when factor > 1 => new DownsampleOperation { Factor = [factor], Order = 3, AntiAliasing = true },
        _ => new DownsampleOperation { Factor = [factor] },
    };

    private static void WriteMetadata(string path, string[] names, List<long[]> shapes, PyramidOptions pyramid, StorageFormat format)
    {
        int rank = names.Length;
        var voxelSize = pyramid.VoxelSizeFor(rank);
        var datasets = new JsonArray();
        for (int level = 0; level < shapes.Count; level++)
        {
            double[] scale = new double[rank], translation = new double[rank];
            for (int axis = 0; axis < rank; axis++)
            {
                double factor = pyramid.Pools ? Math.Pow(2, level) : (double)shapes[0][axis] / shapes[level][axis];
                scale[axis] = voxelSize[axis] * factor;
                translation[axis] = pyramid.Pools ? voxelSize[axis] * (factor - 1) / 2 : 0;
            }

            datasets.Add((JsonNode)new JsonObject
            {
                ["path"] = $"s{level}",
                ["coordinateTransformations"] = new JsonArray
                {
                    (JsonNode)new JsonObject { ["type"] = "scale", ["scale"] = Numbers(scale) },
                    (JsonNode)new JsonObject { ["type"] = "translation", ["translation"] = Numbers(translation) },
                },
            });
        }

        var axes = new JsonArray();
        foreach (string name in names)
        {
            var axis = new JsonObject { ["name"] = name, ["type"] = "space" };
            if (pyramid.Unit is { } unit)
            {
                axis["unit"] = unit;
            }

            axes.Add((JsonNode)axis);
        }

        var multiscale = new JsonObject
        {
            ["name"] = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)),
            ["axes"] = axes,
            ["datasets"] = datasets,
            ["type"] = pyramid.EffectiveMethod.ToString().ToLowerInvariant(),
        };
        var store = new FileSystemStore(path);
        if (format == StorageFormat.ZarrV2)
        {
            multiscale["version"] = "0.4";
            var attributes = JsonDocuments.Read(store, ".zattrs") ?? [];
            attributes["multiscales"] = new JsonArray(multiscale);
            JsonDocuments.Write(store, ".zattrs", attributes);
            return;
        }

        var group = JsonDocuments.Read(store, "zarr.json") ?? new JsonObject { ["zarr_format"] = 3, ["node_type"] = "group" };
        var groupAttributes = group["attributes"] as JsonObject ?? [];
        groupAttributes["ome"] = new JsonObject { ["version"] = "0.5", ["multiscales"] = new JsonArray(multiscale) };
        group["attributes"] = groupAttributes.DeepClone();
        JsonDocuments.Write(store, "zarr.json", group);
    }

    private static JsonArray Numbers(double[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}

/// <summary>What <see cref="Pyramid"/> wrote.</summary>
/// <param name="Ngff">The OME-NGFF version: 0.4 (Zarr v2) or 0.5 (Zarr v3).</param>
/// <param name="Method">The downsampling.</param>
/// <param name="Levels">The shape of every level, s0 first.</param>
public sealed record PyramidResult(string Ngff, string Method, IReadOnlyList<long[]> Levels);
